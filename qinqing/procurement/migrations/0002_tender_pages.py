"""Indexes of the tender pages: newest-first lists over all tenders or one buyer's."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0001_initial'),
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='tender',
            index=models.Index(fields=['published_at', 'tender_id'], name='procurement_tender_published'),
        ),
        migrations.AddIndex(
            model_name='tender',
            index=models.Index(fields=['buyer', 'published_at', 'tender_id'], name='procurement_tender_buyer'),
        ),
    ]
