"""Give activities flagged before `review_code` existed their code, read from the message they carry."""

from django.db import migrations

# The messages reconcile wrote (reconcile/canonical.py, reconcile/matching.py), by their fixed start.
PREFIXES = {
    "orphan": "No live source records",
    "ambiguous": "Fits activities ",
    "unmatched": "Its day has activities ",
}


def fill(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    for code, prefix in PREFIXES.items():
        Activity.objects.filter(needs_review=True, review_code="", review_reason__startswith=prefix).update(
            review_code=code
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_activity_review_code")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
