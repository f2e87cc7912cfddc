from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = _("Tandem core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app's event handlers subscribe, and its pages and its parts of the case page
        # register, when their modules are imported.
        autodiscover_modules("handlers")
        autodiscover_modules("pages")
        autodiscover_modules("case_panels")
