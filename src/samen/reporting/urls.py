from django.urls import path

from . import steps, views

urlpatterns = [
    path("mijn-taken", views.my_tasks, name="my-tasks"),
    path("rapportage/rondes", views.round_list, name="rounds"),
    path("rapportage/rondes/nieuw", views.round_create, name="round-create"),
    path("rapportage/rondes/<int:pk>", views.round_detail, name="round"),
    path("rapportage/rondes/<int:pk>/uitstel", views.round_extension, name="round-extension"),
    path("rapportage/rondes/<int:pk>/beoordelen", views.review_queue, name="review-queue"),
    path("rapportage/rondes/<int:pk>/brief", steps.round_letter, name="round-letter"),
    path(
        "rapportage/rondes/<int:pk>/<str:transition>",
        steps.round_step,
        name="round-transition",
    ),
    path("rapportage/updates/<int:pk>", views.update_detail, name="update"),
    path("rapportage/updates/<int:pk>/autosave", views.update_autosave, name="update-autosave"),
    path("rapportage/updates/<int:pk>/opmerkingen", views.update_comment, name="update-comment"),
    path("rapportage/updates/<int:pk>/reactie", views.update_reply, name="update-reply"),
    path(
        "rapportage/updates/<int:pk>/beoordeling/<str:decision>",
        views.update_review,
        name="update-review",
    ),
]
