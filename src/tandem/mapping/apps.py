from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_questionnaires(sender: AppConfig, **kwargs: Any) -> None:
    from tandem.mapping.actions.questionnaires import load_shipped_questionnaires

    load_shipped_questionnaires(using=kwargs.get("using", "default"))


class MappingConfig(AppConfig):
    name = "tandem.mapping"
    label = "mapping"
    verbose_name = _("Mapping of programmes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After every migrate, so that a new questionnaire version shipped with an update is
        # there without a migration of its own.
        post_migrate.connect(_load_questionnaires, sender=self)
