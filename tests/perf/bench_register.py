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

        owner, app, _drop = await fresh_database(
            os.environ.get("LINLI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        )
        base.update(database_url=app, database_owner_url=owner)
    return await Harness.start(load_settings(environ={}, **base), plugins=[])


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
    # Raw: the same person rows, one transaction, the driver directly.
    values = [(1, r[0], "", None, r[1], r[1], 1, r[2], "", "2026-11-22T00:00:00+00:00") for r in rows]
    cols = (
        "community_id, name, gender, birth_date, id_number_enc, id_number_hash, id_key_version, "
        "phone, notes, created_at"
    )
    if dialect == "sqlite":
        path = tempfile.mktemp(suffix=".sqlite3")
        conn = sqlite3.connect(path)
        conn.execute(
            "CREATE TABLE person (id INTEGER PRIMARY KEY, community_id INTEGER, name TEXT, gender TEXT,"
            " birth_date TEXT, id_number_enc TEXT, id_number_hash TEXT, id_key_version INTEGER,"
            " phone TEXT, notes TEXT, created_at TEXT, erased_at TEXT)"
        )
        t0 = time.perf_counter()
        with conn:
            conn.executemany(f"INSERT INTO person ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", values)
        raw = time.perf_counter() - t0
    else:
        import asyncpg

        conn = await asyncpg.connect(h.runtime.settings.owner_url)
        await conn.execute("CREATE TABLE raw_person (LIKE person INCLUDING DEFAULTS)")
        t0 = time.perf_counter()
        async with conn.transaction():
            await conn.executemany(
                f"INSERT INTO raw_person ({cols}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10::timestamptz)",
                [(*v[:9], __import__("datetime").datetime.now(__import__("datetime").UTC)) for v in values],
            )
        raw = time.perf_counter() - t0
        await conn.close()
    await h.close()
    return {"ours": ours, "raw": raw, "ratio": ours / raw}


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
    lines = [
        "<!-- bench:register:start -->",
        "## Register: import and search",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `tests/perf/bench_register.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores.",
        "",
        f"### Import of a {args.people:,}-person .xlsx vs raw driver inserts of the same person rows",
        "",
        "| database | import_register (s) | raw inserts, one transaction (s) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for d, r in imports.items():
        lines.append(f"| {d} | {r['ours']:.2f} | {r['raw']:.2f} | {r['ratio']:.1f}x |")
    lines += [
        "",
        "The import also reads and validates the spreadsheet, encrypts and hashes every ID number, "
        "creates buildings, dwellings, households and residencies, and writes an outbox event per "
        "move-in; the raw figure inserts only the person rows (target <= 2x).",
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
