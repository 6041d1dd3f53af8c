"""After the deploy: what the table has in AWS."""

from __future__ import annotations

from .. import template
from .context import Context, Refused


def check_table(ctx: Context) -> list[str]:
    """What the table has in AWS: TTL on the right attribute and PITR."""
    dynamodb = ctx.client("dynamodb")
    name = template.table_name(ctx.options.stage)
    ttl = dynamodb.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
    pitr = (dynamodb.describe_continuous_backups(TableName=name).get("ContinuousBackupsDescription", {})
            .get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus", "DISABLED"))
    found = [f"TTL {ttl.get('TimeToLiveStatus', 'DISABLED')} on {ttl.get('AttributeName', '-')}", f"PITR {pitr}"]
    ok = (ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and ttl.get("AttributeName") == template.ttl_attribute()
          and pitr == "ENABLED")
    if not ok and not ctx.options.emulator:
        raise Refused(f"the table {name} is deployed but lacks its protection: {'; '.join(found)}")
    if not ok:
        found.append("(moto does not apply TTL or PITR from a template; on AWS this step fails instead)")
    return found
