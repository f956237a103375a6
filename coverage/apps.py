from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Cakupan kepesertaan")

    def ready(self) -> None:
        from .access import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)
