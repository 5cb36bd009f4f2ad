from django.urls import path

from . import views

# Dutch paths, as the rest of the UI.
urlpatterns = [
    path("budget", views.budget_page, name="budget"),
    path("budget/boekingen", views.entries, name="budget-entries"),
    path("budget/toewijzingen/nieuw", views.allocation_form, name="allocation-create"),
    path("budget/toewijzingen/<int:pk>", views.allocation_form, name="allocation-edit"),
    path("budget/uitgaven/nieuw", views.spending_form, name="spending-create"),
    path("budget/uitgaven/<int:pk>", views.spending_form, name="spending-edit"),
    path(
        "budget/toewijzingen/<int:pk>/verwijderen",
        views.entry_delete,
        {"kind": "allocation"},
        name="allocation-delete",
    ),
    path(
        "budget/uitgaven/<int:pk>/verwijderen",
        views.entry_delete,
        {"kind": "spending"},
        name="spending-delete",
    ),
    path("budget/importeren", views.import_allocations, name="budget-import"),
    path("budget/<str:what>.<str:fmt>", views.export, name="budget-export"),
]
