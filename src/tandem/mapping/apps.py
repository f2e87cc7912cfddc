from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "tandem.mapping"
    label = "mapping"
    verbose_name = _("Mapping of programmes")
    default_auto_field = "django.db.models.BigAutoField"
