"""Give every existing programme a reference. (Questionnaires are loaded after every migrate,
see ``mapping.apps``.)"""

from django.db import migrations, models


def fill_codes(apps, schema_editor):
    Programme = apps.get_model("mapping", "Programme")
    for programme in Programme.objects.filter(code__isnull=True).select_related("country"):
        programme.code = f"{programme.country.code}-{programme.pk:04d}"
        programme.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("mapping", "0002_survey_rounds")]

    operations = [
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="programme",
            name="code",
            field=models.SlugField(max_length=32, unique=True, verbose_name="reference"),
        ),
    ]
