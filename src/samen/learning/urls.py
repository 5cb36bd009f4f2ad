from django.urls import path

from . import views

app_name = "learning"

# Paths are Dutch, the UI's first language.
urlpatterns = [
    path("leren", views.home, name="index"),
    path("leren/netwerk", views.network_page, name="network"),
    path("leren/volgen", views.follow, name="follow"),
    path("leren/lessen/nieuw", views.lesson_create, name="lesson-create"),
    path("leren/lessen/<int:pk>", views.lesson_detail, name="lesson"),
    path("leren/lessen/<int:pk>/bewerken", views.lesson_edit, name="lesson-edit"),
    path("leren/lessen/<int:pk>/bijlagen", views.lesson_attach, name="lesson-attach"),
    path("leren/lessen/<int:pk>/goede-praktijk", views.lesson_good_practice, name="good-practice"),
    path("leren/bijlagen/<int:pk>", views.attachment_download, name="attachment"),
    path("leren/bijlagen/<int:pk>/verwijderen", views.attachment_remove, name="attachment-remove"),
    path("leren/vragen/nieuw", views.question_create, name="question-create"),
    path("leren/vragen/<int:pk>", views.question_detail, name="question"),
    path("leren/vragen/<int:pk>/bewerken", views.question_edit, name="question-edit"),
    path("leren/vragen/<int:pk>/sluiten", views.question_close, name="question-close"),
    path("leren/antwoorden/<int:pk>/nuttig", views.answer_helpful, name="answer-helpful"),
    path("leren/<str:kind>/<int:pk>/publiceren", views.entry_publish, name="entry-publish"),
    path("leren/<str:kind>/<int:pk>/intrekken", views.entry_withdraw, name="entry-withdraw"),
    path("leren/<str:kind>/<int:pk>/verwijderen", views.entry_delete, name="entry-delete"),
]
