from django.urls import path

from . import views

urlpatterns = [
    path("toegankelijkheid", views.accessibility, name="accessibility"),
    path("health", views.health, name="health"),
    path("audit", views.audit_log, name="audit"),
    path("audit/<str:object_type>/<str:object_id>", views.audit_object, name="audit-object"),
]
