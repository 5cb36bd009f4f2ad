"""URLs: registrations part of the impact monitor (paths Dutch, as the UI)."""

from django.urls import path

from . import views_registrations as views

urlpatterns: list = [
    path("effect/", views.effect, name="effect"),
    path("effect/registraties", views.registrations, name="registrations"),
    path("effect/registraties/importeren", views.registrations_import, name="registrations-import"),
    path("effect/registraties/<slug:code>", views.register_detail, name="register"),
    path("effect/opsporingsgraad", views.detection_rates, name="detection-rates"),
    path(
        "effect/opsporingsgraad/<int:pk>/verwijderen",
        views.detection_unlink,
        name="detection-unlink",
    ),
]
