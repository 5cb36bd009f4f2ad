from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "samen.learning"
    label = "learning"
    verbose_name = _("Learning between partners")

    def ready(self) -> None:
        from . import notices

        notices.register_kinds()
