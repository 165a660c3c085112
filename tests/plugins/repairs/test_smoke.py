from tests.plugins.repairs.conftest import C


async def test_report_and_see(world):
    repair = await world.report()
    assert repair["state"] == "reported" and repair["tier"] == "low_cost"
    r = await world.resident.get(f"{C}/{repair['id']}")
    assert r.status_code == 200, r.text
