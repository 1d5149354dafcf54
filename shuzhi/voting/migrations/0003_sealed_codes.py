"""Ballot codes are stored sealed (encrypted) instead of as plain text (codes.seal)."""

from django.db import migrations, models


def seal_plain_codes(apps, schema_editor):
    from shuzhi.voting import codes as codelib

    BallotCode = apps.get_model("voting", "BallotCode")
    for code in BallotCode.objects.exclude(sealed_code="").only("pk", "code_hash", "sealed_code").iterator():
        BallotCode.objects.filter(pk=code.pk).update(sealed_code=codelib.seal(code.sealed_code, code.code_hash))


class Migration(migrations.Migration):
    dependencies = [("voting", "0002_ballot_without_rowid")]

    operations = [
        migrations.RenameField("ballotcode", "code", "sealed_code"),
        migrations.AlterField("ballotcode", "sealed_code", models.CharField(blank=True, max_length=80)),
        migrations.RunPython(seal_plain_codes, migrations.RunPython.noop),
    ]
