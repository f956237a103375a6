from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Cakupan kepesertaan")

    def ready(self) -> None:
        from .access import ensure_role_groups
        from .cache import bump_reference_version
        from .models import Branch, Region, Sector, Segment

        post_migrate.connect(ensure_role_groups, sender=self)
        for model in (Branch, Region, Sector, Segment):
            post_save.connect(bump_reference_version, sender=model)
            post_delete.connect(bump_reference_version, sender=model)
