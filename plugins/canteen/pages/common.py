"""What the canteen pages share: where they live, the words they draw, money as yuan, and
finding the person a form names ("王秀英, 3栋 301") in the register."""

from __future__ import annotations

from typing import Any

from core.api import (
    Form,
    InvalidInput,
    NotFound,
    current_tenant,
    dwellings_of_building,
    list_buildings,
    residents_of_dwelling,
)
from plugins.canteen import vocabulary
from plugins.canteen.clock import hhmm, local
from plugins.canteen.subsidies import yuan

VOCAB = {
    "meals": vocabulary.MEALS,
    "eats": vocabulary.EATS,
    "how": vocabulary.HOW,
    "diner_states": vocabulary.DINER_STATES,
    "pause_reasons": vocabulary.PAUSE_REASONS,
    "diets": vocabulary.DIETS,
    "textures": vocabulary.TEXTURES,
    "allergens": vocabulary.ALLERGENS,
    "portions": vocabulary.PORTIONS,
    "dish_kinds": vocabulary.DISH_KINDS,
    "order_states": vocabulary.ORDER_STATES,
    "order_sources": vocabulary.ORDER_SOURCES,
    "stop_results": vocabulary.STOP_RESULTS,
    "payments": vocabulary.PAYMENTS,
    "hardships": vocabulary.HARDSHIPS,
    "weekdays": vocabulary.WEEKDAYS,
}


def base() -> str:
    return f"/c/{current_tenant().slug}/canteen"


def context(**extra: Any) -> dict[str, Any]:
    return {"v": VOCAB, "base": base(), "yuan": yuan, "local": local, "hhmm": hhmm, **extra}


async def building_options() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(b.id), b.name) for b in await list_buildings()]


def listed(form: Form, name: str, vocab: dict[str, str]) -> list[str]:
    """Ticked boxes of a vocabulary (the browser sends them as repeated fields, joined by ",")."""
    return [v for v in form.raw(name).split(",") if v in vocab]


def words(form: Form, name: str) -> list[str]:
    """Words separated by commas or 、 ("芹菜、香菜")."""
    raw = form.text(name, max_length=400).replace("，", ",").replace("、", ",")
    return [w.strip() for w in raw.split(",") if w.strip()]


async def person_from(form: Form) -> int:
    """The register person named by ``person_name`` living at ``person_building`` /
    ``person_number``: a diner is always someone of the register."""
    name = form.text("person_name", required=True, max_length=60)
    building_id = form.optional_integer("person_building", minimum=1)
    number = form.text("person_number", required=True, max_length=20)
    if building_id is None:
        raise InvalidInput("choose the building", field="person_building")
    try:
        flats = await dwellings_of_building(building_id)
    except NotFound:
        raise InvalidInput("choose one of the options", field="person_building") from None
    flat = next((d for d in flats if d.number == number), None)
    if flat is None:
        raise InvalidInput("no such flat in this building", field="person_number")
    person = next((p for p in await residents_of_dwelling(flat.id) if p.name == name), None)
    if person is None:
        raise InvalidInput("no one of this name lives there in the register", field="person_name")
    return person.id
