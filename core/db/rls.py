"""PostgreSQL's second wall: row-level security on every tenant table, and the app role's grants.

Every tenant table gets RLS *enabled and forced* with one policy comparing ``community_id`` to
the transaction-local ``app.tenant_id`` (``NULLIF`` because an unset setting reads back as ``''``);
a foreign key from ``community_id`` to ``community``; and the app role gets DML on all tables but
only INSERT/SELECT on the audit log (append-only).

Everything is idempotent *and quiet*: the state is read from the catalogs first and only what is
missing is done, because ``ALTER TABLE`` takes an ACCESS EXCLUSIVE lock even when it changes
nothing, and ``linli migrate`` runs at every start. :func:`check_policies` reads the same state
to verify it (tests, ``linli plugins check``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from piccolo.engine.base import Engine
from piccolo.table import Table

from core.errors import ConfigError, LinliError

POLICY = "linli_tenant_isolation"
TENANT_EXPR = "community_id = NULLIF(current_setting('app.tenant_id', true), '')::integer"
APPEND_ONLY = ("audit_entry",)
APP_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY_PRIVILEGES = ("SELECT", "INSERT")


def _ident(name: str) -> str:
    """A quoted identifier; only plain names are accepted, so the quoting is always sound."""
    if not name or not name.replace("_", "").isalnum() or not name.isascii():
        raise LinliError(f"unsafe SQL identifier {name!r}")
    return f'"{name}"'


def _literal(name: str) -> str:
    _ident(name)
    return f"'{name}'"


def _names(tables: Iterable[type[Table]]) -> list[str]:
    return list(dict.fromkeys(t._meta.tablename for t in tables))


def _array(names: list[str]) -> str:
    return "ARRAY[" + ", ".join(_literal(n) for n in names) + "]::text[]" if names else "ARRAY[]::text[]"


def _in_transaction(engine: Engine) -> bool:
    return (
        getattr(engine, "current_transaction", None) is not None
        and engine.current_transaction.get() is not None
    )  # type: ignore[attr-defined]


async def ensure_app_role(engine: Engine, role: str) -> list[str]:
    """Create ``role`` (LOGIN, NOSUPERUSER, NOBYPASSRLS) unless it exists.

    Roles are cluster-wide: another migration (of another database) may create it at the same
    moment. Inside a transaction the attempt runs in a savepoint, so losing that race does not
    abort the surrounding migration.
    """
    r = _ident(role)
    if await engine.run_ddl(f"SELECT 1 FROM pg_roles WHERE rolname = {_literal(role)}"):
        return []
    savepoint = _in_transaction(engine)
    if savepoint:
        await engine.run_ddl("SAVEPOINT linli_create_role")
    try:
        await engine.run_ddl(f"CREATE ROLE {r} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
    except Exception as exc:
        if savepoint:
            await engine.run_ddl("ROLLBACK TO SAVEPOINT linli_create_role")
        if _sqlstate(exc) in ("42710", "23505"):  # duplicate_object / unique_violation: lost the race
            return []
        if _sqlstate(exc) == "42501":
            raise ConfigError(
                f"LINLI_DATABASE_APP_ROLE: role {role!r} does not exist and the owner connection may "
                f"not create it; run as a superuser: CREATE ROLE {r} LOGIN NOSUPERUSER NOBYPASSRLS"
            ) from None
        raise
    if savepoint:
        await engine.run_ddl("RELEASE SAVEPOINT linli_create_role")
    return [f"created role {role}"]


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc, "sqlstate", "") or "")


async def _table_state(engine: Engine, names: list[str], role: str) -> dict[str, dict[str, Any]]:
    """Per table of ``names`` that exists: RLS flags, our policy, the community FK, the role's grants."""
    rows = await engine.run_ddl(f"""
        SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = '{POLICY}')
                AS has_policy,
            (SELECT pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p
                WHERE p.polrelid = c.oid AND p.polname = '{POLICY}') AS using_expr,
            (SELECT pg_get_expr(p.polwithcheck, p.polrelid) FROM pg_policy p
                WHERE p.polrelid = c.oid AND p.polname = '{POLICY}') AS check_expr,
            (SELECT p.polcmd = '*' AND p.polpermissive FROM pg_policy p
                WHERE p.polrelid = c.oid AND p.polname = '{POLICY}') AS policy_for_all,
            EXISTS (
                SELECT 1 FROM pg_constraint k JOIN pg_class t ON t.oid = k.confrelid
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'community_id'
                WHERE k.conrelid = c.oid AND k.contype = 'f' AND t.relname = 'community'
                    AND t.relnamespace = c.relnamespace AND k.conkey = ARRAY[a.attnum]
            ) AS has_fk,
            COALESCE((SELECT array_agg(x.privilege_type::text) FROM aclexplode(c.relacl) x
                WHERE x.grantee = (SELECT oid FROM pg_roles WHERE rolname = {_literal(role)})),
                ARRAY[]::text[]) AS privileges
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
            AND c.relname = ANY({_array(names)})
    """)
    return {row["name"]: dict(row) for row in rows}


async def apply_policies(
    engine: Engine, tenant_tables: Iterable[type[Table]], all_tables: Iterable[type[Table]], app_role: str
) -> list[str]:
    """Grants, RLS and community foreign keys, only what is missing; returns what it did."""
    role = _ident(app_role)
    tenant_names = _names(tenant_tables)
    names = list(dict.fromkeys([*_names(all_tables), *tenant_names, "migration"]))
    done: list[str] = []

    explicit = await engine.run_ddl(f"""
        SELECT
            EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) x
                WHERE d.datname = current_database() AND x.privilege_type = 'CONNECT'
                    AND x.grantee = r.oid) AS can_connect,
            EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) x
                WHERE n.nspname = current_schema() AND x.privilege_type = 'USAGE'
                    AND x.grantee = r.oid) AS can_use_schema,
            EXISTS (SELECT 1 FROM pg_class s
                WHERE s.relnamespace = current_schema()::regnamespace AND s.relkind = 'S'
                    AND NOT (has_sequence_privilege(r.oid, s.oid, 'USAGE')
                             AND has_sequence_privilege(r.oid, s.oid, 'SELECT'))) AS sequences_missing,
            current_database() AS db, current_schema() AS schema
        FROM pg_roles r WHERE r.rolname = {_literal(app_role)}
    """)
    if not explicit:
        raise ConfigError(f"LINLI_DATABASE_APP_ROLE: role {app_role!r} does not exist")
    state = explicit[0]
    if not state["can_connect"]:
        await engine.run_ddl(f'GRANT CONNECT ON DATABASE "{state["db"]}" TO {role}')
        done.append(f"granted CONNECT on database {state['db']} to {app_role}")
    if not state["can_use_schema"]:
        await engine.run_ddl(f'GRANT USAGE ON SCHEMA "{state["schema"]}" TO {role}')
        done.append(f"granted USAGE on schema {state['schema']} to {app_role}")

    tables = await _table_state(engine, names, app_role)
    missing = [n for n in names if n not in tables]
    if missing:
        raise LinliError(
            f"tables missing after the migrations ran: {', '.join(missing)} "
            "(each table of an app needs a migration that creates it)"
        )

    for name in names:
        have = set(tables[name]["privileges"])
        want = (
            ("SELECT",)
            if name == "migration"
            else APPEND_ONLY_PRIVILEGES
            if name in APPEND_ONLY
            else APP_PRIVILEGES
        )
        lacking = [p for p in want if p not in have]
        if lacking:
            await engine.run_ddl(f"GRANT {', '.join(lacking)} ON {_ident(name)} TO {role}")
            done.append(f"granted {', '.join(lacking)} on {name} to {app_role}")
        if name in APPEND_ONLY:
            extra = sorted(have - set(want))
            if extra:
                await engine.run_ddl(f"REVOKE {', '.join(extra)} ON {_ident(name)} FROM {role}")
                done.append(f"revoked {', '.join(extra)} on {name} from {app_role} (append-only)")
    if state["sequences_missing"]:
        await engine.run_ddl(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{state["schema"]}" TO {role}')
        done.append(f"granted USAGE, SELECT on sequences to {app_role}")

    for name in tenant_names:
        t = tables[name]
        quoted = _ident(name)
        if not t["rls"]:
            await engine.run_ddl(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
            done.append(f"RLS enabled on {name}")
        if not t["forced"]:
            await engine.run_ddl(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
            done.append(f"RLS forced on {name}")
        if not t["has_policy"]:
            await engine.run_ddl(
                f"CREATE POLICY {POLICY} ON {quoted} USING ({TENANT_EXPR}) WITH CHECK ({TENANT_EXPR})"
            )
            done.append(f"RLS policy on {name}")
        if not t["has_fk"] and name != "community":
            fk = _ident(f"{name}_community_fk"[:63])
            await engine.run_ddl(
                f"ALTER TABLE {quoted} ADD CONSTRAINT {fk} FOREIGN KEY (community_id) "
                "REFERENCES community(id) ON DELETE RESTRICT"
            )
            done.append(f"foreign key {name}.community_id -> community")
    return done


async def check_policies(engine: Engine, tenant_tables: Iterable[type[Table]]) -> list[str]:
    """Problems with RLS on the tenant tables; empty when every one has RLS enabled and forced
    and the tenant policy (for all commands, on ``app.tenant_id``, with a WITH CHECK)."""
    names = _names(tenant_tables)
    if not names:
        return []
    role = (await engine.run_ddl("SELECT current_user AS u"))[0]["u"]
    tables = await _table_state(engine, names, role)
    problems = []
    for name in names:
        t = tables.get(name)
        if t is None:
            problems.append(f"{name}: table missing")
            continue
        if not t["rls"]:
            problems.append(f"{name}: row-level security not enabled")
        if not t["forced"]:
            problems.append(f"{name}: row-level security not forced (the owner would bypass it)")
        if not t["has_policy"]:
            problems.append(f"{name}: no {POLICY} policy")
            continue
        for label, expr in (("USING", t["using_expr"]), ("WITH CHECK", t["check_expr"])):
            if not expr or "app.tenant_id" not in expr or "community_id" not in expr:
                problems.append(f"{name}: {POLICY} {label} does not compare community_id to app.tenant_id")
        if not t["policy_for_all"]:
            problems.append(f"{name}: {POLICY} must be PERMISSIVE and FOR ALL commands")
    return problems
