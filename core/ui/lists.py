"""List pages: one page of rows at a time, with the numbers a pager needs.

``await paginate(Repair.select().where(...), Repair.count().where(...), page=2)`` gives a
:class:`Paged`; the core's ``_lists.html`` ``pager(paged, request_path, params)`` macro draws
"previous / page 2 of 7 / next" keeping the list's filters. Page numbers outside the list are
brought back into it rather than refused, so an old link still shows something.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

PER_PAGE = 50


@dataclass(frozen=True)
class Paged:
    """One page of a list (``paginate``): its rows, the page number, the page size and the total."""

    rows: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def link(self, page: int, params: dict[str, Any] | None = None) -> str:
        """``?…&page=N`` keeping the other (non-empty) filters."""
        query = {k: v for k, v in (params or {}).items() if v not in (None, "") and k != "page"}
        return "?" + urlencode({**query, "page": page})


def page_number(value: Any) -> int:
    try:
        return max(1, min(int(value), 10**6))
    except (TypeError, ValueError):
        return 1


async def paginate(select: Any, count: Any, *, page: Any = 1, per_page: int = PER_PAGE) -> Paged:
    """Run ``count`` then one page of ``select`` (both piccolo queries with the same filters)."""
    total = int(await count.run())
    number = min(page_number(page), max(1, -(-total // per_page)))
    rows = await select.limit(per_page).offset((number - 1) * per_page).run()
    return Paged(rows=list(rows), page=number, per_page=per_page, total=total)
