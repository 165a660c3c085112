"""HTML pages at /c/{community}/mediation/…, drawn inside the core's layout.

``disputes``: the list of disputes one has standing in, and raising one (a resident their own,
staff and grid workers for someone). ``dispute``: one dispute's page with the forms its caller's
standing allows — the committee screens and assigns, parties object and sign on the phone,
mediators record sessions, notes and the agreement, the grid worker records the return visit;
and the agreement laid out for printing. ``roster``: the committee's roster of mediators.
Every form is a ``core.api.form_post``: refused → the reason beside its field, nothing saved;
done → a redirect with a flash message (reload is safe).
"""

from __future__ import annotations

from pathlib import Path

from core.api import Pages
from plugins.mediation.pages import dispute, disputes, roster


def pages() -> Pages:
    return Pages(
        handlers=[*disputes.HANDLERS, *roster.HANDLERS, *dispute.HANDLERS],
        templates=Path(__file__).parent.parent / "templates",
    )
