"""HTTP routes, mounted at /api/v1/c/{community}/repairs/… Every route has exactly one guard."""

from plugins.repairs.api.dispatch import DispatchController, JobsController
from plugins.repairs.api.projects import ProjectsController
from plugins.repairs.api.repairs import CategoriesController, FiguresController, RepairsController
from plugins.repairs.api.team import TeamController

CONTROLLERS = [
    CategoriesController,
    RepairsController,
    DispatchController,
    JobsController,
    TeamController,
    ProjectsController,
    FiguresController,
]
