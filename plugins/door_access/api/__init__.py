"""HTTP routes, mounted at /api/v1/c/{community}/door_access/…, one module per resource.

Staff routes need ``door_access.view`` or ``door_access.manage``; residents' own routes (under
``/me``) need ``door_access.self`` and a login linked to their person; the device webhook is
authenticated by the device's HMAC signature instead of a user.
"""

from __future__ import annotations

from plugins.door_access.api.access import AccessController
from plugins.door_access.api.doors import DoorsController
from plugins.door_access.api.log import LogController
from plugins.door_access.api.me import MeController
from plugins.door_access.api.passes import PassesController
from plugins.door_access.api.webhook import WebhookController

CONTROLLERS = [
    DoorsController,
    AccessController,
    PassesController,
    LogController,
    WebhookController,
    MeController,
]
