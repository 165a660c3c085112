"""Mediation in a browser: the mediator records a session and writes the agreement at the desk
(1280 px), the applicant signs it on a 360 px phone, the mediator enters the other side's paper
signature, and the dispute is being carried out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.browser.conftest import ARTIFACTS, log_in

M = "/api/v1/c/comm-a/mediation"


async def test_a_mediator_records_a_session_and_an_agreement_and_a_party_signs_on_the_phone(
    served: Any, browser: Any
) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a", plugins=["mediation"])
    below = await h.resident("comm-a", "张桂兰", building="3栋", dwelling="201")
    above = await h.resident("comm-a", "李建国", building="3栋", dwelling="301")
    resident = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", below["id"], resident)
    committee_user = await h.user(role="mediation_coordinator", community="comm-a")
    mediator_user = await h.user(role="mediator", community="comm-a")
    committee = await h.login(committee_user["username"])
    row = (
        await committee.post(f"{M}/mediators", json={"name": "周调解员", "user_id": mediator_user["id"]})
    ).json()
    d = (
        await committee.post(
            f"{M}/disputes",
            json={
                "kind": "leak",
                "source": "staff",
                "summary": "楼上太阳能热水器漏水",
                "parties": [
                    {"role": "applicant", "person_id": below["id"]},
                    {"role": "respondent", "person_id": above["id"]},
                ],
            },
        )
    ).json()
    await committee.post(f"{M}/disputes/{d['id']}/accept")
    await committee.post(f"{M}/disputes/{d['id']}/mediators", json={"mediator_id": row["id"], "lead": True})

    desk = await log_in(
        browser, base, mediator_user["username"], lands="/c/comm-a/", viewport={"width": 1280, "height": 900}
    )
    await desk.goto(f"{base}/c/comm-a/mediation/{d['id']}")
    await desk.get_by_text("记录调解会").click()
    await desk.get_by_label("开始").fill("09:00")
    await desk.get_by_label("结束").fill("10:10")
    await desk.get_by_label("参加人员（用逗号分隔）").fill("人民调解员，心理咨询师，网格员")
    await desk.get_by_role("button", name="保存调解会").click()
    await desk.get_by_text("已记录调解会。").wait_for()
    await desk.get_by_text("人民调解员、心理咨询师、网格员", exact=False).wait_for()
    await desk.get_by_text("拟写协议").click()
    await desk.get_by_label("协议内容").fill("依据民法典相邻关系的规定，双方自愿达成如下协议。")
    await desk.locator("#f-party_0").select_option(label="李建国（被申请人）")
    await desk.locator("#f-action_0").fill("尽快维修太阳能热水器")
    await desk.get_by_role("button", name="保存协议").click()
    await desk.get_by_text("协议已拟好，请双方签字。").wait_for()
    await desk.screenshot(path=str(ARTIFACTS / "mediation-mediator-desk.png"), full_page=True)

    phone = await log_in(
        browser, base, resident["username"], lands="/c/comm-a/home", viewport={"width": 360, "height": 740}
    )
    await phone.goto(f"{base}/c/comm-a/mediation/{d['id']}")
    await phone.get_by_text("尽快维修太阳能热水器").wait_for()
    sign = phone.get_by_role("button", name="签署协议（张桂兰）")
    box = await sign.bounding_box()
    assert box is not None and box["width"] <= 360  # fits the phone's width
    await sign.click()
    await phone.get_by_text("已签字。").wait_for()
    await phone.screenshot(path=str(ARTIFACTS / "mediation-party-phone.png"), full_page=True)

    await desk.reload()
    await desk.get_by_label("纸质签字的当事人").select_option(label="李建国")
    await desk.get_by_role("button", name="登记纸质签字").click()
    await desk.get_by_text("各方均已签字，协议生效。").wait_for()
    await desk.get_by_text("协议履行中").first.wait_for()
    due = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    async with h.tenant("comm-a"):
        from plugins.mediation.tables import FollowUp

        assert [str(f["due_on"]) for f in await FollowUp.select(FollowUp.due_on).run()] == [due]
