from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from tandem.geo import reference


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    reference.load(apps.get_model("geo", "Country"), apps.get_model("geo", "Region"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
