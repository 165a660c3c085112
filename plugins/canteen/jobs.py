"""The canteen's clock (per community where the canteen is on), every 15 minutes: pauses whose
last day is past end by themselves; today's and tomorrow's meals get their orders from the
standing orders; meals past their cut-off close to orders."""

from __future__ import annotations

from core.api import Schedule, job
from plugins.canteen.clock import now, today
from plugins.canteen.diners import end_pauses
from plugins.canteen.orders import close_due, generate_due

ROUND = Schedule("canteen.round", "*/15 * * * *", "canteen.round")


async def canteen_round() -> dict[str, int]:
    day = today()
    resumed = await end_pauses(day)
    made = await generate_due(day)
    closed = await close_due(now())
    return {
        "pauses_ended": resumed,
        "meals_made": len(made),
        "orders_made": sum(g.ordered for g in made),
        "closed": closed,
    }


@job("canteen.round", max_retries=3)
async def round_job() -> dict[str, int]:
    return await canteen_round()
