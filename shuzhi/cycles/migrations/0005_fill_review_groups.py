from django.db import migrations


def fill_groups(apps, schema_editor):
    """One group per (cycle, reviewer) of the existing Reviews, at the cycle's stage (the stage every
    Review's group had until now), and every Review in its group."""
    ReviewCycle = apps.get_model("cycles", "ReviewCycle")
    Review = apps.get_model("cycles", "Review")
    ReviewGroup = apps.get_model("cycles", "ReviewGroup")
    for cycle in ReviewCycle.objects.all():
        reviewer_ids = set(Review.objects.filter(cycle_id=cycle.pk).values_list("reviewer_id", flat=True))
        for reviewer_id in sorted(reviewer_ids):
            group = ReviewGroup.objects.create(cycle_id=cycle.pk, reviewer_id=reviewer_id, stage=cycle.stage)
            Review.objects.filter(cycle_id=cycle.pk, reviewer_id=reviewer_id).update(group_id=group.pk)


class Migration(migrations.Migration):

    dependencies = [
        ('cycles', '0004_review_groups'),
    ]

    operations = [
        migrations.RunPython(fill_groups, migrations.RunPython.noop),
    ]
