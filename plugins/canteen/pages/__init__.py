"""HTML pages at /c/{community}/canteen/…, drawn inside the core's layout.

``home``: a resident's meals (order, skip a day, pause) and the staff's view of today;
``diners``: signing diners up and their profile, pauses, standing orders; ``menus``: dishes and
the weekly menu; ``kitchen``: the day's counts, warnings, labels, samples and the counter;
``deliveries``: routes and the volunteer's round on the phone; ``setup``: subsidy rules, the
statement and the figures. Every form is a ``core.api.form_post``: refused → the reason beside
its field, nothing saved; done → a redirect with a flash message (reload is safe).
"""

from __future__ import annotations

from pathlib import Path

from core.api import Pages
from plugins.canteen.pages import deliveries, diners, home, kitchen, menus, setup


def pages() -> Pages:
    return Pages(
        handlers=[
            *home.HANDLERS,
            *diners.HANDLERS,
            *menus.HANDLERS,
            *kitchen.HANDLERS,
            *deliveries.HANDLERS,
            *setup.HANDLERS,
        ],
        templates=Path(__file__).parent.parent / "templates",
    )
