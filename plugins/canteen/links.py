"""What the canteen does when the register changes: a diner who moves away is stopped, one who
died is recorded as deceased — their standing orders end and their orders to come are
cancelled, so no meal is cooked or carried for them. The core has no death event of its own:
a death is recorded as a move-out whose reason says so (去世 / 死亡 / 病故 / died)."""

from __future__ import annotations

from typing import Any

from core.api import Event, current_residencies
from plugins.canteen.diners import diner_of_person, stop

DEATH_WORDS = ("去世", "死亡", "病故", "离世", "逝世", "died", "deceased", "death")


def means_death(reason: str) -> bool:
    text = (reason or "").lower()
    return any(word in text for word in DEATH_WORDS)


async def on_moved_out(event: Event) -> dict[str, Any] | None:
    p = event.payload
    diner = await diner_of_person(int(p["person_id"]))
    if diner is None or diner["state"] in ("stopped", "deceased"):
        return None
    died = means_death(str(p.get("reason", "")))
    if not died and await current_residencies(int(p["person_id"])):
        return None  # moved within the community: the diner eats on
    reason = str(p.get("reason") or "").strip() or ("去世" if died else "迁出本社区")
    return await stop(diner["id"], reason=reason[:200], deceased=died)
