"""HTML pages at /c/{community}/door_access/…, one module per resource: staff's doors, log and
"why" (``doors``), one person's access (``persons``), residents' own access (``me``).

Forms are ``core.api.form_post`` over the same functions as the API: a refused form shows the
reason beside its field and saves nothing; a done one redirects with a flash message.
"""

from __future__ import annotations

from pathlib import Path

from core.api import Pages
from plugins.door_access.pages import doors, me, persons, setup


def pages() -> Pages:
    return Pages(
        handlers=[*doors.HANDLERS, *setup.HANDLERS, *persons.HANDLERS, *me.HANDLERS],
        templates=Path(__file__).parent.parent / "templates",
    )
