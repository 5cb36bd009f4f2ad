from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "samen.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from .notices import register_kinds

        register_kinds()
