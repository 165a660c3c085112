"""A running Linli on a fresh database, with factories and logged-in clients per role."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from core.app import create_app
from core.auth.users import create_user, grant_role
from core.db.engine import start_engine, stop_engine, write_transaction
from core.db.migrate import check_app_role, migrate
from core.events.outbox import deliver_pending
from core.jobs.setup import start_queue, stop_queue
from core.plugins.registry import load_plugins
from core.runtime import Runtime, build_runtime, set_current
from core.settings import Settings
from core.tenancy import service
from core.tenancy.context import tenant_scope

DEFAULT_PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


class Harness:
    """One app, one database. Create it with the ``make_linli`` fixture."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.app = create_app(runtime, manage_engine=False)
        self._clients: list[httpx.AsyncClient] = []

    # -- lifecycle -----------------------------------------------------------------------

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        plugins: Iterable[str] | None = None,
        extra_modules: Iterable[str] = (),
        strict: bool = True,
    ) -> Harness:
        registry = load_plugins(extra_modules, strict=strict, only=plugins)
        runtime = build_runtime(settings, registry=registry)
        await prepare_database(runtime)
        await start_engine(runtime.engine, runtime.settings)
        await check_app_role(runtime.engine)
        set_current(runtime)
        start_queue(runtime)
        return cls(runtime)

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()
        await stop_engine(self.runtime.engine)
        stop_queue()
        set_current(None)

    # -- clients -------------------------------------------------------------------------

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        """An anonymous client."""
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),  # type: ignore[arg-type]
            base_url="http://testserver",
            headers=headers or {},
        )
        self._clients.append(client)
        return client

    async def login(self, username: str, password: str = DEFAULT_PASSWORD) -> httpx.AsyncClient:
        client = self.client()
        response = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
        if response.status_code != 200:
            raise AssertionError(f"login as {username} failed: {response.status_code} {response.text}")
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    async def as_role(
        self, role: str, community: str | None = None, *, office: str | None = None
    ) -> httpx.AsyncClient:
        """A new user holding ``role`` in one community (or office), logged in."""
        user = await self.user(role=role, community=community, office=office)
        return await self.login(user["username"])

    async def as_platform_admin(self) -> httpx.AsyncClient:
        user = await self.user(platform_admin=True)
        return await self.login(user["username"])

    async def token_client(self, community: str, role: str) -> httpx.AsyncClient:
        """A client with a bearer token for ``role`` in ``community``, issued by its admin."""
        admin = await self.as_role("community_admin", community)
        response = await admin.post(
            f"/api/v1/c/{community}/tokens", json={"name": f"test {role}", "role": role}
        )
        if response.status_code != 201:
            raise AssertionError(f"token for {role} failed: {response.status_code} {response.text}")
        return self.client({"Authorization": f"Bearer {response.json()['token']}"})

    # -- factories -----------------------------------------------------------------------

    async def office(self, slug: str = "office-a", name: str | None = None) -> dict[str, Any]:
        async with self.transaction():
            return await service.create_office(slug, name or f"{slug} 街道", actor_id=None)

    async def community(
        self, slug: str, office: str = "office-a", *, name: str | None = None, plugins: Iterable[str] = ()
    ) -> dict[str, Any]:
        async with self.transaction():
            if not await _office_exists(office):
                await service.create_office(office, f"{office} 街道", actor_id=None)
            row = await service.create_community(office, slug, name or f"{slug} 社区", actor_id=None)
        for plugin_id in plugins:
            await self.enable(slug, plugin_id)
        return row

    async def user(
        self,
        *,
        role: str | None = None,
        community: str | None = None,
        office: str | None = None,
        username: str | None = None,
        password: str = DEFAULT_PASSWORD,
        platform_admin: bool = False,
    ) -> dict[str, Any]:
        username = username or f"user{next(_counter)}"
        async with self.transaction():
            user = await create_user(username, password, is_platform_admin=platform_admin)
            if role:
                await grant_role(self.runtime.roles, username, role, community=community, office=office)
        self.runtime.credentials.clear()
        return user

    async def enable(self, community: str, plugin_id: str, **settings: Any) -> dict[str, Any]:
        async with self.transaction():
            return await service.set_plugin_enabled(
                self.runtime, community, plugin_id, enabled=True, settings=settings or None, actor_id=None
            )

    async def disable(self, community: str, plugin_id: str) -> dict[str, Any]:
        async with self.transaction():
            return await service.set_plugin_enabled(
                self.runtime, community, plugin_id, enabled=False, actor_id=None
            )

    async def resident(
        self,
        community: str,
        name: str = "张桂兰",
        *,
        id_number: str | None = None,
        phone: str | None = None,
        building: str = "1栋",
        dwelling: str = "101",
        birth_date: Any = None,
        categories: Iterable[str] = (),
    ) -> dict[str, Any]:
        """A person living in ``building``/``dwelling`` (both created when missing)."""
        import datetime as dt

        from core.residents import people, places, vulnerability
        from core.residents.tables import Building, Dwelling

        async with self.tenant(community):
            b = await Building.select(Building.id).where(Building.name == building).first().run()
            building_id = b["id"] if b else (await places.create_building(building, floors=30))["id"]
            d = (
                await Dwelling.select(Dwelling.id)
                .where((Dwelling.building == building_id) & (Dwelling.number == dwelling))
                .first()
                .run()
            )
            dwelling_id = d["id"] if d else (await places.create_dwelling(building_id, dwelling))["id"]
            person = await people.register_person(
                self.runtime.field_keys, name, id_number=id_number, phone=phone, birth_date=birth_date
            )
            residency = await people.move_in(person["id"], dwelling_id, start_date=dt.date(2020, 1, 1))
            for category in categories:
                await vulnerability.add(person["id"], category)
        return {
            **person,
            "dwelling_id": dwelling_id,
            "building_id": building_id,
            "residency_id": residency["id"],
        }

    async def link_resident(self, community: str, person_id: int, user: dict[str, Any]) -> None:
        """Make ``user``'s login the resident account of register person ``person_id`` (what an
        invitation code does), so the login reports for that person's home."""
        from core.residents.accounts import link_user

        async with self.tenant(community):
            await link_user(self.runtime.roles, person_id, user, actor_id=None)
        self.runtime.credentials.clear()

    async def deliver_events(self) -> int:
        return await deliver_pending(
            self.runtime.engine, self.runtime.registry, await self.runtime.tenants.all_active()
        )

    # -- direct database access ----------------------------------------------------------

    def transaction(self) -> Any:
        return write_transaction(self.runtime.engine)

    @asynccontextmanager
    async def tenant(self, community: str) -> AsyncIterator[Any]:
        """Run queries as ``community``, in one write transaction."""
        tenant = await self.runtime.tenants.by_slug(community)
        if tenant is None:
            raise AssertionError(f"no active community {community}")
        with tenant_scope(tenant):
            async with write_transaction(self.runtime.engine):
                yield tenant


async def _office_exists(slug: str) -> bool:
    from core.tenancy.tables import StreetOffice

    return bool(await StreetOffice.exists().where(StreetOffice.slug == slug).run())


async def prepare_database(runtime: Runtime) -> None:
    """Migrate the fresh database exactly as `linli migrate` would."""
    await migrate(runtime)
