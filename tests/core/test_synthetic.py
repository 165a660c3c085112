"""The synthetic population: deterministic, valid, and at the requested size."""

from __future__ import annotations

from core.residents.identity import check_id_number
from core.residents.synthetic import PopulationSpec, populate
from core.residents.tables import Person, Residency, Vulnerability


async def test_population_is_deterministic_and_valid(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    await h.community("comm-b")
    spec = PopulationSpec(households=120, people=300, buildings=5, seed=7)
    async with h.tenant("comm-a"):
        report = await populate(h.runtime.field_keys, spec)
        names_a = [r["name"] for r in await Person.select(Person.name).order_by(Person.id).run()]
        people = await Person.select().run()
        assert await Residency.count().run() == 300
        assert await Vulnerability.count().run() == report.vulnerable > 0
    async with h.tenant("comm-b"):
        await populate(h.runtime.field_keys, spec)
        names_b = [r["name"] for r in await Person.select(Person.name).order_by(Person.id).run()]
    assert (report.households, report.people) == (120, 300)
    assert names_a == names_b  # same seed, same people
    keys = h.runtime.field_keys
    for p in people[:50]:
        number = keys.decrypt(p["id_number_enc"], p["id_key_version"])
        assert check_id_number(number) == number
    over_60 = sum(1 for p in people if p["birth_date"].year <= 1966)
    assert 0.15 < over_60 / len(people) < 0.32


async def test_walk_ups_and_compound_names_of_their_own(make_linli) -> None:
    """A community of old walk-ups (the lift retrofit story) has no building above its floor cap
    and no lift; two communities' compounds are not all called the same."""
    from core.residents.synthetic import PopulationSpec, populate
    from core.residents.tables import Building, Compound

    h = await make_linli(plugins=[])
    await h.community("walkups")
    await h.community("towers")
    async with h.tenant("walkups"):
        await populate(
            h.runtime.field_keys,
            PopulationSpec(households=300, people=600, buildings=4, compounds=2, seed=11, max_floors=8),
        )
        rows = await Building.select(Building.floors, Building.has_lift).run()
        walkup_names = {c["name"] for c in await Compound.select(Compound.name).run()}
    assert rows and all(r["floors"] <= 8 and not r["has_lift"] for r in rows)
    async with h.tenant("towers"):
        await populate(
            h.runtime.field_keys,
            PopulationSpec(households=300, people=600, buildings=4, compounds=2, seed=12),
        )
        tower_names = {c["name"] for c in await Compound.select(Compound.name).run()}
    assert walkup_names != tower_names
