"""Check the audit log's hash chain (shuzhi.audit.chain).

    manage.py verify_audit

Recomputes every event's hash in key order. Exits with status 1 naming the first event that was
changed, inserted, or that follows removed events; otherwise prints OK with the count and the newest
hash. Removing the newest events leaves the rest of the chain intact: note the count and hash down
(or keep them with the backups) and compare.
"""

from django.core.management.base import BaseCommand, CommandError

from shuzhi.audit import chain
from shuzhi.audit.models import AuditEvent

FIELDS = ("id", "prev_hash", "hash", *chain.HASHED_FIELDS, *chain.EXTENSION_FIELDS)


class _Row:
    __slots__ = FIELDS

    def __init__(self, values: dict) -> None:
        for name in FIELDS:
            setattr(self, name, values[name])


class Command(BaseCommand):
    help = "Verify the audit log's hash chain."

    def handle(self, *args, **options):
        rows = (_Row(values) for values in AuditEvent.objects.order_by("pk").values(*FIELDS).iterator(chunk_size=2000))
        result = chain.verify(rows)
        broken = result.broken
        if broken is None:
            self.stdout.write(f"OK    审计日志共 {result.count} 条记录，哈希链完整；最新哈希 {result.head}")
            return
        after = f"（前一条完好的记录为 #{broken.previous_id}）" if broken.previous_id else "（之前没有完好的记录）"
        message = {
            "changed": f"第一处断点：记录 #{broken.event_id} 被改动过（内容与其哈希不符）{after}",
            "removed": f"第一处断点：记录 #{broken.event_id} 之前有记录被删除（或被改动后重算了哈希）{after}",
            "inserted": f"第一处断点：记录 #{broken.event_id} 是事后插入的（不在哈希链上）{after}",
        }[broken.kind]
        self.stdout.write(f"FAIL  {message}")
        raise CommandError(f"审计日志的哈希链在记录 #{broken.event_id} 处断开")
