"""Case numbers, unique per community even when cases are filed at the same moment."""

from __future__ import annotations

from core.cases.tables import Case


async def next_case_number() -> int:
    """The community's next case number, taken in the caller's transaction: the UPDATE locks the
    counter row on PostgreSQL until commit, so two concurrent filings never get the same one."""
    from core.cases.tables import CaseCounter

    rows = (
        await CaseCounter.update({CaseCounter.last: CaseCounter.last + 1}, force=True)
        .returning(CaseCounter.last)
        .run()
    )
    if rows:
        return int(rows[0]["last"])
    # A community's first case: its counter starts after any cases it already has.
    start = await Case.count().run()
    inserted = (
        await CaseCounter.insert(CaseCounter(last=start + 1))
        .on_conflict(action="DO NOTHING")
        .returning(CaseCounter.id)
        .run()
    )
    if inserted:
        return start + 1
    return await next_case_number()  # another filing created the counter first: take the next
