"""The public API for plugin authors: the only core module a plugin imports.

Everything here is stable within a core minor version. A plugin that reaches into other core
modules may break on any release, and ``linli plugins check`` reports it.
"""

from __future__ import annotations

from click import Command as CliGroup
from piccolo.conf.apps import AppConfig as PiccoloApp

from core import __version__ as CORE_VERSION
from core.audit import audit
from core.auth.guards import authenticated, requires, requires_office
from core.auth.principal import Principal
from core.db.tenant import TenantTable
from core.errors import Conflict, InvalidInput, NoTenantError, NotFound, Unavailable
from core.events.outbox import emit
from core.jobs.spec import Job, job
from core.plugins.hookspecs import hookimpl
from core.plugins.manifest import Manifest
from core.plugins.types import (
    AttachmentOwner,
    AttachmentPurpose,
    CaseType,
    DashboardCard,
    Event,
    NavItem,
    OwnerAccess,
    Pages,
    Panel,
    Permission,
    ReportFigure,
    ReportSection,
    Role,
    Schedule,
    UserRef,
)
from core.tenancy.context import Tenant, current_tenant, current_tenant_or_none
from core.ui.plugin_pages import render_page

__all__ = [
    "CORE_VERSION",
    "AttachmentOwner",
    "AttachmentPurpose",
    "CaseType",
    "CliGroup",
    "Conflict",
    "DashboardCard",
    "Event",
    "InvalidInput",
    "Job",
    "Manifest",
    "NavItem",
    "NoTenantError",
    "NotFound",
    "OwnerAccess",
    "Pages",
    "Panel",
    "Permission",
    "PiccoloApp",
    "Principal",
    "ReportFigure",
    "ReportSection",
    "Role",
    "Schedule",
    "Tenant",
    "TenantTable",
    "Unavailable",
    "UserRef",
    "audit",
    "authenticated",
    "current_tenant",
    "current_tenant_or_none",
    "emit",
    "hookimpl",
    "job",
    "render_page",
    "requires",
    "requires_office",
]
