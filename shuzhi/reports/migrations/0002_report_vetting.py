"""The reviewer's accept/return of a report is its vetting (审核: passed / returned), not a decision: the
model, its fields and its stored values are renamed in place, so every recorded vetting is kept."""

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion

FORWARD = {"accept": "passed", "return": "returned"}


def rename_values(apps, schema_editor, mapping=FORWARD):
    ReportVetting = apps.get_model("reports", "ReportVetting")
    for old, new in mapping.items():
        ReportVetting.objects.filter(outcome=old).update(outcome=new)


def restore_values(apps, schema_editor):
    rename_values(apps, schema_editor, {new: old for old, new in FORWARD.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("ReportDecision", "ReportVetting"),
        migrations.RenameField("reportvetting", "decision", "outcome"),
        migrations.RenameField("reportvetting", "decided_by", "vetted_by"),
        migrations.RenameField("reportvetting", "decided_at", "vetted_at"),
        migrations.AlterField(
            model_name="reportvetting",
            name="outcome",
            field=models.CharField(choices=[("passed", "Passed"), ("returned", "Returned for revision")], max_length=10),
        ),
        migrations.AlterField(
            model_name="reportvetting",
            name="version",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="vetting",
                                       to="reports.reportversion"),
        ),
        migrations.RunPython(rename_values, restore_values),
    ]
