from django.urls import path

from . import views

# Listed before samen.reporting's urls: its `rapportage/rondes/<pk>/<transition>`
# would otherwise take `rapport`.
urlpatterns = [
    path("rapportage/rondes/<int:pk>/rapport", views.preview, name="report"),
    path("rapportage/rondes/<int:pk>/publiceren", views.publish, name="report-publish"),
    path("rapportage/rondes/<int:pk>/rapport/<str:fmt>", views.request_file, name="report-request"),
    path("rapportage/bestanden/<int:pk>", views.status, name="report-status"),
    path("rapportage/bestanden/<int:pk>/download", views.download, name="report-download"),
]
