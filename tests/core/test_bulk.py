"""Bulk inserts keep the tenant wall: rows are stamped with the current community, rows naming
another are refused whole, and events go only through the outbox's own path."""

from __future__ import annotations

from typing import Any

import pytest

from core.db.bulk import allocate_ids, insert_rows
from core.errors import NoTenantError
from core.events.outbox import emit_many
from core.events.tables import OutboxEvent
from core.plugins.types import Event
from core.residents.tables import Compound


async def test_bulk_rows_are_stamped_with_the_tenant_and_never_written_for_another(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    a = await h.community("comm-a")
    b = await h.community("comm-b")
    async with h.tenant("comm-a"):
        ids = await allocate_ids(Compound, 2)
        await insert_rows(
            Compound,
            ("id", "name", "address", "management", "notes"),
            [(ids[0], "红光小区", "", "none", ""), (ids[1], "散居楼", "", "none", "")],
        )
    with pytest.raises(NoTenantError, match="another community"):
        async with h.tenant("comm-a"):
            await insert_rows(
                Compound,
                ("id", "community_id", "name", "address", "management", "notes"),
                [
                    (ids[1] + 1, a["id"], "本社区", "", "none", ""),
                    (ids[1] + 2, b["id"], "别的社区", "", "none", ""),
                ],
            )
    with pytest.raises(ValueError, match="emit"):
        async with h.tenant("comm-a"):
            await insert_rows(OutboxEvent, ("event_id", "type"), [("x", "resident.moved_in")])
    async with h.tenant("comm-a"):
        names = sorted(r["name"] for r in await Compound.select(Compound.name).run())
        changed = {"dwelling_id": 1, "changes": {}}
        await emit_many(
            [Event(type="dwelling.changed", community_id=a["id"], payload=changed) for _ in range(3)]
        )
        assert await OutboxEvent.count().where(OutboxEvent.type == "dwelling.changed").run() == 3
    assert names == ["散居楼", "红光小区"]  # stamped with comm-a; the mixed batch left nothing
    async with h.tenant("comm-b"):
        assert await Compound.count().run() == 0
        with pytest.raises(ValueError, match="another community"):
            await emit_many([Event(type="dwelling.changed", community_id=a["id"])])


async def test_plugins_insert_many_rows_of_their_own_tenant_tables_only(make_linli: Any) -> None:
    from core.api import InvalidInput, insert_rows
    from core.tenancy.tables import Community

    h = await make_linli(plugins=[])
    await h.community("comm-a")
    await h.community("comm-b")
    async with h.tenant("comm-a"):
        assert (
            await insert_rows(
                Compound, [{"name": "一区", "address": "", "management": "none", "notes": ""}] * 3
            )
            == 3
        )
        with pytest.raises(TypeError, match="tenant tables only"):
            await insert_rows(Community, [{"slug": "x"}])
        with pytest.raises(InvalidInput):
            await insert_rows(Compound, [{"name": "a", "address": ""}, {"address": "", "name": "b"}])
        with pytest.raises(TypeError, match="no column"):
            await insert_rows(Compound, [{"nickname": "a"}])
    async with h.tenant("comm-b"):
        assert await Compound.count().run() == 0
    async with h.tenant("comm-a"):
        assert await Compound.count().where(Compound.name == "一区").run() == 3
