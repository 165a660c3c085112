"""The demo: the seed articles' street office and communities, an admin, and synthetic residents."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from core.auth.tables import User
from core.auth.users import create_user, grant_role, set_password
from core.db.engine import write_transaction
from core.residents.synthetic import PopulationSpec, populate
from core.residents.tables import Person
from core.runtime import Runtime
from core.tenancy.context import tenant_scope
from core.tenancy.definitions import apply_definitions, load_definitions

DEMO_ADMIN = "admin"


def demo_path() -> Path:
    """tenants/demo beside the source tree (a source checkout), else in the working directory."""
    here = Path(__file__).resolve().parent.parent / "tenants" / "demo"
    return here if here.is_dir() else Path.cwd() / "tenants" / "demo"


@dataclass
class DemoResult:
    admin_username: str
    admin_password: str
    populated: dict[str, int]


async def load_demo(runtime: Runtime, *, populate_residents: bool = True) -> DemoResult:
    """Apply the demo tenants, reset the demo admin's password, and fill empty communities."""
    path = demo_path()
    await apply_definitions(runtime, path)
    password = secrets.token_urlsafe(12)
    docs = load_definitions(path, runtime)
    async with write_transaction(runtime.engine):
        if await User.exists().where(User.username == DEMO_ADMIN).run():
            await set_password(DEMO_ADMIN, password)
        else:
            await create_user(DEMO_ADMIN, password, display_name="演示管理员", is_platform_admin=True)
        for _file, doc in docs:
            await grant_role(runtime.roles, DEMO_ADMIN, "office_admin", office=doc.office.slug)
            for c in doc.community:
                await grant_role(runtime.roles, DEMO_ADMIN, "community_admin", community=c.slug)
    runtime.credentials.clear()
    populated: dict[str, int] = {}
    if populate_residents:
        for _file, doc in docs:
            for c in doc.community:
                if c.demo is None:
                    continue
                tenant = await runtime.tenants.by_slug(c.slug)
                if tenant is None:
                    continue
                with tenant_scope(tenant):
                    async with write_transaction(runtime.engine):
                        if await Person.exists().run():
                            continue  # already has residents: never touch real or earlier data
                        report = await populate(
                            runtime.field_keys,
                            PopulationSpec(
                                households=c.demo.households,
                                people=c.demo.people,
                                buildings=c.demo.buildings,
                                compounds=c.demo.compounds,
                                over_60_share=c.demo.over_60_share,
                                seed=sum(map(ord, c.slug)),
                            ),
                        )
                        populated[c.slug] = report.people
    return DemoResult(DEMO_ADMIN, password, populated)
