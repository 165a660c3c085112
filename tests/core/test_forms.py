"""The form building block's field helpers: a value, or InvalidInput naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from core.api import Form, InvalidInput
from core.ui.lists import Paged, page_number


@dataclass
class Sample(Form):
    count: str = ""
    amount: str = ""
    day: str = ""
    kind: str = ""
    password: str = ""


@pytest.mark.parametrize(
    ("call", "field", "reason"),
    [
        (lambda f: f.integer("count"), "count", "this field is required"),
        (lambda f: Sample(count="3.5").integer("count"), "count", "must be a whole number"),
        (lambda f: Sample(count="100000000000000000000").integer("count"), "count", "must be at most"),
        (lambda f: Sample(count="-1").integer("count", minimum=0), "count", "must be at least 0"),
        (lambda f: Sample(amount="nan").decimal("amount"), "amount", "must be a number"),
        (lambda f: Sample(day="soon").date("day"), "day", "a date like"),
        (lambda f: Sample(kind="other").choice("kind", ("a", "b")), "kind", "choose one"),
    ],
)
def test_a_bad_field_is_refused_with_its_name(call, field: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        call(Sample())
    assert caught.value.field == field and reason in str(caught.value)


def test_values_a_person_would_read_as_the_same_are_accepted() -> None:
    form = Sample(count=" １２ ", amount="600.50", day="2027/06/30", kind="b", password="secret")
    assert form.integer("count") == 12
    assert form.decimal("amount") == 600.5
    assert form.date("day") == dt.date(2027, 6, 30)
    assert form.choice("kind", ("a", "b")) == "b"
    assert Sample().optional_integer("count") is None
    assert "password" not in form.values()  # never drawn back into the page


def test_pages_keep_their_filters_and_stay_in_range() -> None:
    paged = Paged(rows=[], page=2, per_page=50, total=120)
    assert paged.pages == 3 and paged.has_previous and paged.has_next
    assert paged.link(3, {"state": "open", "q": ""}) == "?state=open&page=3"
    assert page_number("abc") == 1 and page_number("-4") == 1
    assert Paged(rows=[], page=1, per_page=50, total=0).pages == 1
