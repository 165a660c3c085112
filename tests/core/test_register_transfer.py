"""Spreadsheet import and export of the register."""

from __future__ import annotations

import base64
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.residents.identity import with_check_digit

BASE = "/api/v1/c/comm-a"
ID1 = with_check_digit("11010519480315002")
ID2 = with_check_digit("11010519520101003")


def xlsx(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        headers
        or [
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


GOOD = [
    ["张桂兰", ID1, "13912345678", "和韵小区", "8栋", "1单元", "301", "业主", "2010-05-01", "独居老人", 1],
    ["李建国", ID2, "", "和韵小区", "8栋", "1单元", "302", "业主", "2012-01-01", "", ""],
    ["李小明", "", "", "和韵小区", "8栋", "1单元", "302", "家庭成员", "2012-01-01", "", ""],
]


@pytest.fixture
async def staff(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    return h, await h.as_role("community_staff", "comm-a")


async def upload(client, content: bytes, name: str = "register.xlsx", partial: bool = False):
    return await client.post(
        f"{BASE}/register/import", params={"partial": str(partial).lower()}, files={"file": (name, content)}
    )


async def test_import_is_idempotent(staff):
    _h, client = staff
    r = await upload(client, xlsx(GOOD))
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["persons_created"], report["moved_in"], report["vulnerabilities_added"]) == (3, 3, 1)
    assert report["places_created"] == 5  # compound, building, unit, two dwellings
    again = (await upload(client, xlsx(GOOD))).json()
    assert (again["persons_created"], again["moved_in"], again["vulnerabilities_added"]) == (0, 0, 0)
    assert again["unchanged"] == 3 and again["places_created"] == 0
    people = (await client.get(f"{BASE}/persons", params={"name": "李"})).json()["items"]
    assert {p["name"] for p in people} == {"李建国", "李小明"}
    alone = (await client.get(f"{BASE}/persons", params={"category": "elderly_alone"})).json()["items"]
    assert [p["name"] for p in alone] == ["张桂兰"]


async def test_bad_rows_reject_the_whole_file_with_row_and_column(staff):
    _h, client = staff
    rows = [
        *GOOD,
        [
            "王五",
            "110105194803150000",
            "",
            "和韵小区",
            "8栋",
            "1单元",
            "303",
            "房客",
            "2030-01-01",
            "富人",
            9,
        ],
    ]
    r = await upload(client, xlsx(rows))
    assert r.status_code == 422
    errors = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert {(5, "身份证号"), (5, "身份"), (5, "入住日期"), (5, "重点人群"), (5, "关爱等级")} <= errors
    assert (await client.get(f"{BASE}/persons")).json()["items"] == []  # nothing written
    assert (await client.get(f"{BASE}/buildings")).json() == []


async def test_partial_import_returns_the_rejects(staff):
    _h, client = staff
    rows = [*GOOD, ["", "", "", "", "8栋", "", "304", "", "", "", ""]]
    r = await upload(client, xlsx(rows), partial=True)
    assert r.status_code == 200
    body = r.json()
    assert body["persons_created"] == 3 and len(body["errors"]) == 1
    rejects = load_workbook(io.BytesIO(base64.b64decode(body["rejects_xlsx_base64"])))
    sheet = rejects.active
    assert sheet.cell(2, 1).value == 5 and "姓名" in sheet.cell(2, sheet.max_column).value


async def test_english_headers_and_csv(staff):
    _h, client = staff
    text = "Name,Building,Dwelling,Phone\nAlice Wang,9栋,101,13800000000\n"
    r = await upload(client, text.encode("utf-8-sig"), name="people.csv")
    assert r.status_code == 200, r.text
    assert r.json()["persons_created"] == 1
    gbk = "姓名,楼栋,房号\n陈静,9栋,102\n".encode("gb18030")
    r = await upload(client, gbk, name="people.csv")
    assert r.status_code == 200 and r.json()["persons_created"] == 1


async def test_wrong_file_type_and_missing_columns(staff):
    _h, client = staff
    r = await upload(client, b"%PDF-1.4 not a sheet", name="register.pdf")
    assert r.status_code == 400 and r.json()["field"] == "file"
    r = await upload(client, b"not a zip at all", name="register.xlsx")
    assert r.status_code == 400 and r.json()["field"] == "file"
    r = await upload(client, xlsx([["x"]], headers=["姓名"]))
    assert r.status_code == 400 and "楼栋" in r.json()["detail"]


async def test_template_and_masked_export_round_trip(staff):
    _h, client = staff
    template = await client.get(f"{BASE}/register/import-template")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert sheet.cell(1, 1).value == "姓名"
    await upload(client, xlsx(GOOD))
    exported = await client.get(f"{BASE}/register/export.xlsx")
    assert exported.status_code == 200
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4
    flat = " ".join(str(c) for row in rows for c in row)
    assert ID1 not in flat and "13912345678" not in flat and "139****5678" in flat
    # The export imports back as "nothing changed".
    again = await upload(client, exported.content, name="export.xlsx")
    assert again.status_code == 200, again.text
    again = again.json()
    assert again["persons_created"] == 0 and again["moved_in"] == 0
    r = await client.get(f"{BASE}/register/export.xlsx", params={"reveal": "true", "purpose": "x"})
    assert r.status_code == 403  # staff lack residents.view_sensitive
