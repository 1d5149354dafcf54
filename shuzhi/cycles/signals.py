"""Reviews follow their organisation's secretary: when positions change, sync the open Reviews."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from shuzhi.orgs.models import Position, PositionRole


@receiver(post_save, sender=Position, dispatch_uid="cycles-sync-secretary")
def position_saved(sender, instance: Position, **kwargs) -> None:
    if instance.role != PositionRole.SECRETARY:
        return
    from shuzhi.cycles.services import sync_secretary

    # Same transaction as the position change: both happen or neither.
    sync_secretary(instance.organization_id)
