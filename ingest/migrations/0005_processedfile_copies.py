from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0004_alter_processedfile_route"),
    ]

    operations = [
        migrations.AddField(
            model_name="processedfile",
            name="copies",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Manifest rows of the same content merged into this one (their path, archive, status).",
            ),
        ),
    ]
