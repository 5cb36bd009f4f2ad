from django.urls import path

from . import views

urlpatterns = [
    path("meldingen", views.notification_list, name="notifications"),
    path("meldingen/instellingen", views.notification_settings, name="notification-settings"),
    path("meldingen/alles-gelezen", views.notification_read_all, name="notifications-read-all"),
    path("meldingen/<int:pk>", views.notification_open, name="notification"),
]
