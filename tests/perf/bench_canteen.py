"""Benchmark: turning 2,000 standing orders into a day's orders and the kitchen's count, against
a plain INSERT … SELECT of the same rows.

Run:  .venv/bin/python tests/perf/bench_canteen.py [--diners 2000] [--rounds 3]

On SQLite and PostgreSQL (LINLI_TEST_PG_URL, default postgres@127.0.0.1:5432): a community of
N diners, each on a Monday-to-Sunday standing order, a tenth of them 低保 and all over 80, with
two subsidy rules. Measured, alternating in the same run, on meals of their own each round:

- ours: ``orders.generate`` (reads the standing orders, diners, register birth dates and care
  categories, prices every order with the subsidy rules within the office's limits, checks
  pauses, allergies and capacity, inserts the orders) then ``kitchen.counts`` for that meal;
- baseline: one ``INSERT INTO canteen_order … SELECT … FROM canteen_standing_order`` of the same
  number of rows with fixed prices, in the same tenant transaction.

The figures replace the "canteen" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DROPS: list = []


async def harness(dialect: str):
    from core.settings import load_settings
    from core.testing.harness import Harness

    base = {"var_dir": tempfile.mkdtemp(), "secret_key": "c" * 40, "tenant_cache_seconds": 60.0}
    if dialect == "postgres":
        from core.testing.postgres import fresh_database

        owner, app, drop = await fresh_database(
            os.environ.get("LINLI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        )
        base.update(database_url=app, database_owner_url=owner)
        DROPS.append(drop)
    return await Harness.start(load_settings(environ={}, **base), plugins=["canteen"])


async def prepare(h, n: int, rounds: int) -> list[int]:
    """N diners on standing orders; the services of 2 × rounds days, with dishes, published."""
    from core.residents import people, places, vulnerability
    from plugins.canteen import menus, subsidies
    from plugins.canteen.tables import Diner, StandingOrder

    await h.community("bench")
    await h.enable("bench", "canteen", weekdays=[0, 1, 2, 3, 4, 5, 6], capacity=10 * n)
    async with h.tenant("bench"):
        building = (await places.create_building("1栋", floors=30))["id"]
        diners = []
        dwelling = 0
        for i in range(n):
            if i % 4 == 0:  # four diners a flat
                dwelling = (await places.create_dwelling(building, f"{i // 4 + 1}01"))["id"]
            person = await people.register_person(
                h.runtime.field_keys, f"老人{i}", birth_date=dt.date(1935 + i % 10, 1, 1)
            )
            await people.move_in(person["id"], dwelling, start_date=dt.date(2020, 1, 1))
            if i % 10 == 0:
                await vulnerability.add(person["id"], "low_income")
            diners.append(
                Diner(
                    person_id=person["id"],
                    name=f"老人{i}",
                    dwelling_id=dwelling,
                    building_id=building,
                    address=f"1栋 {i}",
                    eats="delivered" if i % 5 == 0 else "dine_in",
                    diets=["low_salt"] if i % 3 == 0 else [],
                    signed_up_by_user_id=1,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
        for i in range(0, n, 500):
            await Diner.insert(*diners[i : i + 500]).run()
        ids = [r["id"] for r in await Diner.select(Diner.id).run()]
        rows = [
            StandingOrder(
                diner=d, meal="lunch", weekdays=[0, 1, 2, 3, 4, 5, 6], how="dine_in", set_by_user_id=1
            )
            for d in ids
        ]
        for i in range(0, n, 500):
            await StandingOrder.insert(*rows[i : i + 500]).run()
        await subsidies.add_rule(
            name="80岁以上", min_age=80, hardship="", subsidy_fen=500, pays_fen=None, funder="街道"
        )
        await subsidies.add_rule(
            name="低保", min_age=None, hardship="low_income", subsidy_fen=None, pays_fen=300, funder="民政"
        )
        dish = (await menus.add_dish(name="红烧肉", kind="meat"))["id"]
        services = []
        monday = menus.monday_of(dt.date.today()) + dt.timedelta(days=7)
        for week in range((2 * rounds + 6) // 7 + 1):
            menu = await menus.create_week(monday + dt.timedelta(days=7 * week))
            for s in menu["services"]:
                await menus.set_dishes(s["id"], [dish])
            await menus.publish(menu["id"], by_user_id=1)
            services += [s["id"] for s in menu["services"]]
    return services[: 2 * rounds]


async def ours(h, service_id: int) -> tuple[float, int]:
    from plugins.canteen.kitchen import counts
    from plugins.canteen.orders import generate

    async with h.tenant("bench"):
        t0 = time.perf_counter()
        made = await generate(service_id)
        counted = await counts(service_id)
        elapsed = time.perf_counter() - t0
    assert made.ordered == counted["meals"], (made, counted["meals"])
    return elapsed, made.ordered


async def baseline(h, service_id: int, dialect: str) -> tuple[float, int]:
    from core.tenancy.context import current_tenant
    from core.tenancy.tables import Community
    from plugins.canteen.tables import Order

    async with h.tenant("bench"):
        community = current_tenant().community_id
        now = "now()" if dialect == "postgres" else "CURRENT_TIMESTAMP"
        sql = (
            "INSERT INTO canteen_order (community_id, service, diner, portion, how, texture, source, state, "
            "price_fen, subsidy_fen, payable_fen, rule_name, funder, warning, created_at) "
            f"SELECT community_id, {int(service_id)}, diner, portion, how, 'normal', 'standing', 'ordered', "
            f"1500, 0, 1500, '', '', '', {now} FROM canteen_standing_order "
            f"WHERE community_id = {int(community)} AND active = {'true' if dialect == 'postgres' else '1'}"
        )
        t0 = time.perf_counter()
        await Community.raw(sql).run()  # a platform table's raw(): tenant tables refuse raw SQL
        elapsed = time.perf_counter() - t0
        made = await Order.count().where(Order.service == service_id).run()
    return elapsed, made


async def bench(dialect: str, n: int, rounds: int) -> dict[str, float]:
    h = await harness(dialect)
    try:
        services = await prepare(h, n, rounds)
        ours_t, base_t = [], []
        for r in range(rounds):
            t, made = await ours(h, services[2 * r])
            b, made_b = await baseline(h, services[2 * r + 1], dialect)
            assert made == made_b == n, (made, made_b, n)
            ours_t.append(t)
            base_t.append(b)
    finally:
        await h.close()
    o, b = statistics.median(ours_t), statistics.median(base_t)
    return {"ours": o, "baseline": b, "ratio": o / b}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--diners", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="don't update docs/performance.md")
    args = parser.parse_args()

    async def run() -> dict[str, dict[str, float]]:
        out = {d: await bench(d, args.diners, args.rounds) for d in ("sqlite", "postgres")}
        for drop in DROPS:
            await drop()
        return out

    results = asyncio.run(run())
    lines = [
        "<!-- bench:canteen:start -->",
        "## Canteen: standing orders into the day's orders and the kitchen count",
        "",
        f"Measured {dt.date.today().isoformat()} by `tests/perf/bench_canteen.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores; {args.diners:,} diners on standing orders, medians of {args.rounds} "
        "alternating rounds, each on a meal of its own.",
        "",
        "| database | generate + kitchen count (s) | INSERT … SELECT of the same rows (s) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for d, r in results.items():
        lines.append(f"| {d} | {r['ours']:.3f} | {r['baseline']:.3f} | {r['ratio']:.1f}x |")
    lines += [
        "",
        "Ours also reads each diner's birth date and care categories from the register (two batched "
        "queries through `core.api`), prices every order with the subsidy rules held to the street "
        "office's limits, skips paused diners, allergies and a full meal, and then counts the meal "
        "for the kitchen (portions, textures, diets, each dish); the baseline copies the rows with fixed "
        "prices in one statement. What moved the figure: the orders were first built as piccolo objects "
        "and inserted 500 at a time (0.65 s on SQLite, 80 % of it piccolo building the statement); "
        "`core.api.insert_rows` hands the same rows to the driver's executemany in the current "
        "transaction, stamped with the tenant.",
        "<!-- bench:canteen:end -->",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        path = ROOT / "docs" / "performance.md"
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(r"<!-- bench:canteen:start -->.*?<!-- bench:canteen:end -->", re.S)
        text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
