"""Benchmarks of the register: spreadsheet import vs raw inserts, and search latency.

Run:  .venv/bin/python tests/perf/bench_register.py [--people 25000] [--communities 10]

1. Import of an N-person .xlsx through `import_register` (validation, encryption, places,
   residencies, outbox events) against inserting the same person rows in one transaction with
   the database driver (sqlite3 executemany / asyncpg executemany), on SQLite and PostgreSQL.
2. On PostgreSQL, name-prefix and ID-number search p95 within one community, with 1 community
   loaded and with `--communities` communities of the same size loaded.
Figures replace the "register" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from core.residents.identity import with_check_digit  # noqa: E402
from core.residents.synthetic import GIVEN, SURNAMES  # noqa: E402


def make_rows(n: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        born = __import__("datetime").date(1935, 1, 1) + __import__("datetime").timedelta(days=i % 30000)
        number = with_check_digit(f"500101{born:%Y%m%d}{i // 30000:03d}")
        name = (
            SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))] + GIVEN[i % len(GIVEN)]
        )
        building, dwelling = f"{i // 200 + 1}栋", f"{(i // 4) % 25 + 1}{i % 4 + 1:02d}"
        rows.append(
            [
                name,
                number,
                f"13{rng.randrange(10**9):09d}",
                "",
                building,
                "",
                dwelling,
                "业主",
                "2015-01-01",
                "独居老人" if i % 40 == 0 else "",
                "",
            ]
        )
    return rows


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民")
    sheet.append(
        [
            "姓名",
            "身份证号",
            "手机号",
            "小区",
            "楼栋",
            "单元",
            "房号",
            "身份",
            "入住日期",
            "重点人群",
            "关爱等级",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def harness(dialect: str, var: str):
    from core.settings import load_settings
    from core.testing.harness import Harness

    base = {"var_dir": var, "secret_key": "r" * 40, "tenant_cache_seconds": 60.0}
    if dialect == "postgres":
        from core.testing.postgres import fresh_database

        owner, app, drop = await fresh_database(
            os.environ.get("LINLI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        )
        base.update(database_url=app, database_owner_url=owner)
        DROPS.append(drop)
    return await Harness.start(load_settings(environ={}, **base), plugins=[])


DROPS: list = []  # benchmark databases, dropped at the end of main()


async def bench_import(dialect: str, n: int) -> dict[str, float]:
    from core.residents.importer import import_register

    rows = make_rows(n)
    content = xlsx(rows)
    h = await harness(dialect, tempfile.mkdtemp())
    await h.community("bench")
    t0 = time.perf_counter()
    from core.residents.importer import ImportRefused

    try:
        async with h.tenant("bench"):
            report = await import_register(h.runtime.field_keys, "bench.xlsx", content)
    except ImportRefused as refused:
        raise SystemExit(f"import refused: {refused.report.errors[:5]}") from None
    ours = time.perf_counter() - t0
    assert report.persons_created == n, report.as_dict()
    # Raw: the same rows the import wrote (buildings, dwellings, households, persons,
    # residencies, move-in events), for another community of the same migrated database,
    # in one transaction, with the driver directly and no validation or encryption.
    raw_community = (await h.community("raw-baseline"))["id"]
    raw = await raw_inserts(h, dialect, raw_community, rows)
    await h.close()
    return {"ours": ours, "raw": raw, "ratio": ours / raw}


async def raw_inserts(h, dialect: str, cid: int, rows: list[list[object]]) -> float:
    import datetime as dtm
    import json
    import uuid

    now = dtm.datetime.now(dtm.UTC)
    buildings = sorted({r[4] for r in rows})
    dwellings = sorted({(r[4], r[6]) for r in rows})
    base = 10_000_000  # ids far above the import's
    b_ids = {b: base + i for i, b in enumerate(buildings)}
    d_ids = {d: base + i for i, d in enumerate(dwellings)}
    statements = [
        (
            "building",
            ("id", "community_id", "name", "address", "floors", "has_lift", "notes"),
            [(b_ids[b], cid, b, "", 30, False, "") for b in buildings],
        ),
        (
            "dwelling",
            ("id", "community_id", "building", "number", "floor", "state", "notes"),
            [(d_ids[d], cid, b_ids[d[0]], d[1], 1, "occupied", "") for d in dwellings],
        ),
        (
            "household",
            ("id", "community_id", "dwelling", "label", "created_at"),
            [(d_ids[d], cid, d_ids[d], "", now) for d in dwellings],
        ),
        (
            "person",
            (
                "id",
                "community_id",
                "name",
                "gender",
                "id_number_enc",
                "id_number_hash",
                "id_key_version",
                "phone",
                "notes",
                "created_at",
            ),
            [(base + i, cid, r[0], "", r[1], r[1], 1, r[2], "", now) for i, r in enumerate(rows)],
        ),
        (
            "residency",
            (
                "id",
                "community_id",
                "person",
                "household",
                "dwelling",
                "role",
                "relation",
                "primary_contact",
                "start_date",
                "end_reason",
            ),
            [
                (
                    base + i,
                    cid,
                    base + i,
                    d_ids[(r[4], r[6])],
                    d_ids[(r[4], r[6])],
                    "owner",
                    "",
                    False,
                    dtm.date(2015, 1, 1),
                    "",
                )
                for i, r in enumerate(rows)
            ],
        ),
        (
            "outbox_event",
            ("community_id", "event_id", "type", "payload", "occurred_at"),
            [
                (cid, str(uuid.uuid4()), "resident.moved_in", json.dumps({"person_id": base + i}), now)
                for i in range(len(rows))
            ],
        ),
    ]
    if dialect == "sqlite":
        conn = sqlite3.connect(h.runtime.settings.sqlite_path)
        t0 = time.perf_counter()
        with conn:
            for table, cols, values in statements:
                marks = ",".join("?" for _ in cols)
                conn.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", values)
        elapsed = time.perf_counter() - t0
        conn.close()
        return elapsed
    import asyncpg

    conn = await asyncpg.connect(h.runtime.settings.owner_url)
    t0 = time.perf_counter()
    async with conn.transaction():
        for table, cols, values in statements:
            marks = ",".join(f"${i}" for i in range(1, len(cols) + 1))
            await conn.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", values)
    elapsed = time.perf_counter() - t0
    await conn.close()
    return elapsed


async def bench_search(communities: int, people: int, queries: int = 300) -> dict[str, dict[str, float]]:
    from core.residents.search import ResidentQuery, search_residents
    from core.residents.synthetic import PopulationSpec, populate
    from core.residents.tables import Person

    h = await harness("postgres", tempfile.mkdtemp())
    results = {}
    loaded = 0
    for target in (1, communities):
        while loaded < target:
            slug = f"c{loaded:03d}"
            await h.community(slug)
            async with h.tenant(slug):
                await populate(
                    h.runtime.field_keys,
                    PopulationSpec(households=people // 2, people=people, buildings=60, seed=loaded),
                )
            loaded += 1
        async with h.tenant("c000"):
            sample = await Person.select(Person.name).limit(2000).run()
        prefixes = [r["name"][:2] for r in sample][:queries]
        number = with_check_digit("500101" + "19600101" + "001")
        timings = {"name prefix": [], "ID number": []}
        for i in range(queries):
            for kind in timings:
                q = (
                    ResidentQuery(name_prefix=prefixes[i % len(prefixes)])
                    if kind == "name prefix"
                    else ResidentQuery(id_number=number)
                )
                t0 = time.perf_counter()
                async with h.tenant("c000"):
                    await search_residents(h.runtime.field_keys, q, limit=50)
                timings[kind].append((time.perf_counter() - t0) * 1000)
        results[f"{target} communities"] = {k: statistics.quantiles(v, n=20)[18] for k, v in timings.items()}
    await h.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=25000)
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    imports = {d: asyncio.run(bench_import(d, args.people)) for d in ("sqlite", "postgres")}
    search = asyncio.run(bench_search(args.communities, args.people))

    async def cleanup() -> None:
        for drop in DROPS:
            await drop()

    asyncio.run(cleanup())
    lines = [
        "<!-- bench:register:start -->",
        "## Register: import and search",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `tests/perf/bench_register.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores.",
        "",
        f"### Import of a {args.people:,}-person .xlsx vs raw driver inserts of the same rows",
        "",
        "| database | import_register (s) | raw driver inserts of the same rows (s) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for d, r in imports.items():
        lines.append(f"| {d} | {r['ours']:.2f} | {r['raw']:.2f} | {r['ratio']:.1f}x |")
    lines += [
        "",
        "The import also reads and validates the spreadsheet, encrypts and hashes every ID number, "
        "creates buildings, dwellings, households and residencies, and writes an outbox event per "
        "move-in; the raw figure inserts those same rows (buildings, dwellings, households, persons, "
        "residencies, events) with the driver in one transaction (target <= 2x).",
        "",
        f"### Search p95 within one community (PostgreSQL, {args.people:,} residents each)",
        "",
        "| loaded | name prefix p95 ms | ID number p95 ms |",
        "|---|---:|---:|",
    ]
    for label, r in search.items():
        lines.append(f"| {label} | {r['name prefix']:.2f} | {r['ID number']:.2f} |")
    lines.append("<!-- bench:register:end -->")
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        path = ROOT / "docs" / "performance.md"
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(r"<!-- bench:register:start -->.*?<!-- bench:register:end -->", re.S)
        text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
