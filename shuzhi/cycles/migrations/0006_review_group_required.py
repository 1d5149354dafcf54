import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every Review is in its group; its stage is computed from its real state (review_stage), not stored."""

    dependencies = [
        ('cycles', '0005_fill_review_groups'),
    ]

    operations = [
        migrations.AlterField(
            model_name='review',
            name='group',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='cycles.reviewgroup'),
        ),
        migrations.RemoveField(
            model_name='review',
            name='stage',
        ),
    ]
