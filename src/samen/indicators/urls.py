from django.urls import path

from . import views

# Dutch paths, like the plan's own pages.
urlpatterns = [
    path("indicatoren", views.overview, {"per": "line"}, name="indicators"),
    path(
        "indicatoren/uitbuitingsvormen",
        views.overview,
        {"per": "form"},
        name="indicators-per-form",
    ),
    path("acties/<str:code>/indicatoren", views.manage, name="indicators-manage"),
    path("acties/<str:code>/indicatoren/nieuw", views.edit, name="indicator-new"),
    path("acties/<str:code>/indicatoren/<str:indicator>", views.edit, name="indicator-edit"),
    path(
        "acties/<str:code>/indicatoren/<str:indicator>/verwijderen",
        views.delete,
        name="indicator-delete",
    ),
]
