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
from core.events.catalog import Payload as EventPayload
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
    EventType,
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

# Services: what plugins may read and do in the core (the register read-only, cases of their own
# types, files, keys, transactions). Small wrappers over core services, in ``core/services/``;
# documented in docs/plugins/services.md.
from core.services.access import (
    holds,
    member_by_username,
    member_names,
    people_in_scope,
    person_in_scope,
    plugin_key,
    write_transaction,
)
from core.services.bulk import insert_rows
from core.services.cases import assign_case, case_feedback, get_case, open_case, transition_case
from core.services.files import attachments_of, erase_private_file, read_private_file, store_private_file
from core.services.register import (
    acts_for,
    categories_by_person,
    current_residencies,
    dwellings_acted_for,
    dwellings_of_building,
    get_building,
    get_dwelling,
    get_person,
    is_member,
    list_buildings,
    people_acted_for,
    people_by_id,
    people_in_category,
    person_of_user,
    residents_of_dwelling,
    vulnerability_categories,
)
from core.services.types import Building, CareRecord, CaseRef, Dwelling, Person, Residence, VisitRequestRef
from core.services.visits import get_visit_request, request_visit
from core.tenancy.context import Tenant, current_tenant, current_tenant_or_none
from core.text import clean_text
from core.ui.forms import Done, Form, Refusal, form_post, redirect
from core.ui.lists import Paged, paginate
from core.ui.plugin_pages import render_page
from core.web.bodies import Body, Id, QueryId

__all__ = [
    "CORE_VERSION",
    "AttachmentOwner",
    "AttachmentPurpose",
    "Body",
    "Building",
    "CareRecord",
    "CaseRef",
    "CaseType",
    "CliGroup",
    "Conflict",
    "DashboardCard",
    "Done",
    "Dwelling",
    "Event",
    "EventPayload",
    "EventType",
    "Form",
    "Id",
    "InvalidInput",
    "Job",
    "Manifest",
    "NavItem",
    "NoTenantError",
    "NotFound",
    "OwnerAccess",
    "Paged",
    "Pages",
    "Panel",
    "Permission",
    "Person",
    "PiccoloApp",
    "Principal",
    "QueryId",
    "Refusal",
    "ReportFigure",
    "ReportSection",
    "Residence",
    "Role",
    "Schedule",
    "Tenant",
    "TenantTable",
    "Unavailable",
    "UserRef",
    "VisitRequestRef",
    "audit",
    "authenticated",
    "current_tenant",
    "current_tenant_or_none",
    "emit",
    "form_post",
    "hookimpl",
    "job",
    "paginate",
    "redirect",
    "render_page",
    "requires",
    "requires_office",
]


__all__ += [
    "acts_for",
    "assign_case",
    "attachments_of",
    "case_feedback",
    "categories_by_person",
    "clean_text",
    "current_residencies",
    "dwellings_acted_for",
    "dwellings_of_building",
    "erase_private_file",
    "get_building",
    "get_case",
    "get_dwelling",
    "get_person",
    "get_visit_request",
    "holds",
    "insert_rows",
    "is_member",
    "list_buildings",
    "member_by_username",
    "member_names",
    "open_case",
    "people_acted_for",
    "people_by_id",
    "people_in_category",
    "people_in_scope",
    "person_in_scope",
    "person_of_user",
    "plugin_key",
    "read_private_file",
    "request_visit",
    "residents_of_dwelling",
    "store_private_file",
    "transition_case",
    "vulnerability_categories",
    "write_transaction",
]
