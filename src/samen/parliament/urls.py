from django.urls import path

from . import views

# Dutch paths, as the rest of the UI.
urlpatterns = [
    path("moties", views.motion_list, name="motions"),
    path("moties/nieuw", views.motion_form, name="motion-create"),
    path("moties/importeren", views.motion_import, name="motion-import"),
    path("moties/export.csv", views.motion_export, name="motion-export"),
    path("moties/<slug:code>", views.motion_detail, name="motion"),
    path("moties/<slug:code>/bewerken", views.motion_form, name="motion-edit"),
]
