from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Two stand-in personal records, one per compartment, to specify the scoping rules
    before the domain apps that hold real ones exist."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
