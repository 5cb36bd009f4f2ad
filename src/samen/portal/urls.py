from django.urls import path

from . import views

urlpatterns = [
    path("openbaar", views.home, name="portal"),
    path("openbaar/rondes/<int:pk>", views.round_detail, name="portal-round"),
    path("openbaar/rondes/<int:pk>/rapport/<str:fmt>", views.round_report, name="portal-report"),
    path("openbaar/open-data", views.open_data_page, name="portal-open-data"),
    path(
        "openbaar/open-data/<slug:dataset>.<str:fmt>",
        views.open_data_file,
        name="portal-open-data-file",
    ),
]
