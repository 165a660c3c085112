"""Door access figures: the street office's report section and the staff dashboard card."""

from __future__ import annotations

import datetime as dt

from core.api import DashboardCard, ReportFigure, ReportSection


async def report_section(period_start: str, period_end: str) -> ReportSection:
    from plugins.door_access.tables import AccessEvent, Alert

    start = dt.datetime.fromisoformat(period_start).replace(tzinfo=dt.UTC)
    end = dt.datetime.fromisoformat(period_end).replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
    in_period = (AccessEvent.occurred_at >= start) & (AccessEvent.occurred_at < end)
    granted = await AccessEvent.count().where(in_period & (AccessEvent.result == "granted")).run()
    refused = await AccessEvent.count().where(in_period & (AccessEvent.result == "refused")).run()
    alerts = await Alert.count().where((Alert.opened_at >= start) & (Alert.opened_at < end)).run()
    return ReportSection(
        "door_access",
        "智能门禁",
        "Door access",
        [
            ReportFigure("granted", label="Entries", value=granted),
            ReportFigure("refused", label="Refusals", value=refused),
            ReportFigure("alerts", "告警数", "Alerts", alerts),
        ],
    )


async def dashboard_card(slug: str) -> DashboardCard:
    from plugins.door_access.alerts import open_alerts
    from plugins.door_access.sync import device_counts

    alerts = await open_alerts()
    failed = sum(c["failed"] + c["queued"] for c in (await device_counts()).values())
    return DashboardCard(
        title="Door alerts / unsynced",
        value=f"{len(alerts)} / {failed}",
        path=f"/c/{slug}/door_access",
        order=40,
    )
