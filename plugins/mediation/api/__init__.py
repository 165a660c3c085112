"""HTTP routes, mounted at /api/v1/c/{community}/mediation/… Every route has exactly one guard."""

from plugins.mediation.api.agreements import AgreementsController
from plugins.mediation.api.disputes import DisputesController
from plugins.mediation.api.roster import FiguresController, MediatorsController

CONTROLLERS = [DisputesController, AgreementsController, MediatorsController, FiguresController]
