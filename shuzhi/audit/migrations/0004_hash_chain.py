"""The audit log's hash chain (shuzhi.audit.chain): two columns, and the chain computed for the events
already stored, in key order.

The append-only triggers of 0002 refuse the backfill's UPDATEs, so they are dropped first and created
again at the end, inside this migration's transaction. On SQLite the new columns (NOT NULL with a
default) make Django rebuild the table, which would drop the triggers anyway; `at` loses auto_now_add
(the time is set before the INSERT, as the hash covers it) and that rebuilds it too.
"""

import importlib

from django.db import migrations, models
from django.utils import timezone

from shuzhi.audit import chain

triggers = importlib.import_module("shuzhi.audit.migrations.0002_append_only_triggers")


def drop_triggers(apps, schema_editor):
    triggers.backwards(apps, schema_editor)


def create_triggers(apps, schema_editor):
    triggers.forwards(apps, schema_editor)


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    prev_hash, last_pk = chain.GENESIS, 0
    while batch := list(AuditEvent.objects.using(db).filter(pk__gt=last_pk).order_by("pk")[:2000]):
        for event in batch:
            digest = chain.event_hash(prev_hash, chain.values_of(event))
            AuditEvent.objects.using(db).filter(pk=event.pk).update(prev_hash=prev_hash, hash=digest)
            prev_hash, last_pk = digest, event.pk


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_unlocked_action")]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AlterField(
            model_name="auditevent", name="at",
            field=models.DateTimeField(db_index=True, default=timezone.now, editable=False, verbose_name="time"),
        ),
        migrations.AddField(
            model_name="auditevent", name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent", name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
