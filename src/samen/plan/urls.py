from django.urls import path

from . import import_views, views

# Paths are Dutch, the UI's first language; the API has its own English paths.
urlpatterns = [
    path("", views.home, name="home"),
    path("acties", views.explorer, name="explorer"),
    path("acties/export.<str:fmt>", views.explorer_export, name="explorer-export"),
    path("acties/<str:code>", views.action_detail, name="action"),
    path("organisaties", views.organisation_list, name="organisations"),
    path(
        "organisaties/suggesties", views.organisation_suggestions, name="organisation-suggestions"
    ),
    path("organisaties/<slug:code>", views.organisation_detail, name="organisation"),
    path("uitbuitingsvormen/<slug:code>", views.exploitation_form, name="exploitation-form"),
    path("dekking", views.coverage, name="coverage"),
    path("versies", views.version_list, name="versions"),
    path("versies/vergelijken", views.version_compare, name="version-compare"),
    path("plan/importeren", import_views.plan_import, name="plan-import"),
    path(
        "plan/importeren/koppelingen",
        import_views.saved_mappings,
        name="plan-import-mappings",
    ),
    path("plan/export.<str:fmt>", import_views.plan_export, name="plan-export"),
]
