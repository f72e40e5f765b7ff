"""(PostgreSQL) alerts found by the entities they name: tender, buyer, bidder and registry pages."""

from django.db import migrations

# Tender, buyer and bidder pages look up the alerts naming one entity (`entities @> '{"tender_id": [...]}'`);
# a GIN index answers that containment without reading every alert. Without fast update: a scan writes its
# alerts in batches, pages read them all day, and a pending list would be scanned whole by every read until
# the next vacuum. SQLite has no such index (nor needs it).
ALERT_ENTITIES_INDEX = "risk_alert_entities_gin"


def create_alert_entities_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {ALERT_ENTITIES_INDEX} ON risk_alert USING gin (entities jsonb_path_ops) "
            "WITH (fastupdate = off)")


def drop_alert_entities_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ALERT_ENTITIES_INDEX}")



class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0002_scan_signatures"),
    ]

    operations = [
        migrations.RunPython(create_alert_entities_index, drop_alert_entities_index, elidable=False),
    ]
