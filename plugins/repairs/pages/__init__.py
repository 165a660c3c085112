"""HTML pages at /c/{community}/repairs/…, drawn inside the core's layout, one module per resource.

Staff: the dispatch list (``dispatch``), a repair's page with ranked suggestions (``repair``),
the team and skills register (``team``). Volunteers: "my jobs" for the phone (``jobs``).
Residents: report a problem and my repairs (``report``), confirm a quote, sign off and rate
(``repair``); the public accounts of shared-cost projects (``projects``). Every form is a
``core.api.form_post`` over the same functions as the API: a refused form shows the reason
beside its field and saves nothing; a done one redirects (reload is safe) with a flash message.
"""

from __future__ import annotations

from pathlib import Path

from core.api import Pages
from plugins.repairs.pages import dispatch, jobs, projects, repair, report, team


def pages() -> Pages:
    return Pages(
        handlers=[
            *dispatch.HANDLERS,
            *repair.HANDLERS,
            *report.HANDLERS,
            *jobs.HANDLERS,
            *team.HANDLERS,
            *projects.HANDLERS,
        ],
        templates=Path(__file__).parent.parent / "templates",
    )
