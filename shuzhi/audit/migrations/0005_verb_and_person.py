"""Typed events: the verb ("report.submitted", shuzhi.audit.verbs) and the person the event concerns.

No event is rewritten (the log is append-only): older events keep an empty verb and no person, and the
hash chain hashes an event with both empty exactly as before (shuzhi.audit.chain.EXTENSION_FIELDS), so
the chain verifies unchanged. On SQLite the new NOT NULL column makes Django rebuild the table, which
drops the append-only triggers: they are dropped first and created again at the end, inside this
migration's transaction, as in 0004.
"""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("shuzhi.audit.migrations.0002_append_only_triggers")


def drop_triggers(apps, schema_editor):
    triggers.backwards(apps, schema_editor)


def create_triggers(apps, schema_editor):
    triggers.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_hash_chain")]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AddField(
            model_name="auditevent", name="person_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent", name="verb",
            field=models.CharField(blank=True, db_index=True, default="", max_length=60),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
