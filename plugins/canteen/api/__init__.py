"""HTTP routes, mounted at /api/v1/c/{community}/canteen/… Every route has exactly one guard."""

from plugins.canteen.api.diners import DinersController
from plugins.canteen.api.menus import DishesController, MenusController, SamplesController, ServicesController
from plugins.canteen.api.orders import OrdersController
from plugins.canteen.api.setup import (
    FiguresController,
    RoutesController,
    StatementController,
    SubsidyRulesController,
)

CONTROLLERS = [
    DinersController,
    DishesController,
    MenusController,
    ServicesController,
    SamplesController,
    OrdersController,
    SubsidyRulesController,
    RoutesController,
    FiguresController,
    StatementController,
]
