"""PostgreSQL's second wall: row-level security on every tenant table, and the app role's grants.

Every tenant table gets RLS *enabled and forced* with one policy comparing ``community_id`` to
the transaction-local ``app.tenant_id`` (``NULLIF`` because an unset setting reads back as ``''``);
a foreign key from ``community_id`` to ``community``; and the app role gets DML on all tables but
only INSERT/SELECT on the audit log. All statements are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable

from piccolo.engine.base import Engine
from piccolo.table import Table

POLICY = "linli_tenant_isolation"
TENANT_EXPR = "community_id = NULLIF(current_setting('app.tenant_id', true), '')::integer"
APPEND_ONLY = ("audit_entry",)


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe identifier {name!r}")
    return f'"{name}"'


async def ensure_app_role(engine: Engine, role: str) -> None:
    r = _ident(role)
    exists = await engine.run_ddl(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'")
    if not exists:
        try:
            await engine.run_ddl(f"CREATE ROLE {r} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
        except Exception as exc:  # another process created it first: fine
            if "already exists" not in str(exc):
                raise


async def apply_policies(engine: Engine, tenant_tables: Iterable[type[Table]],
                         all_tables: Iterable[type[Table]], app_role: str) -> list[str]:
    """Grants, RLS and community foreign keys; returns what it did, for the migrate log."""
    role = _ident(app_role)
    done: list[str] = []
    db = (await engine.run_ddl("SELECT current_database() AS db"))[0]["db"]
    await engine.run_ddl(f'GRANT CONNECT ON DATABASE "{db}" TO {role}')
    await engine.run_ddl(f"GRANT USAGE ON SCHEMA public TO {role}")
    for table in all_tables:
        name = _ident(table._meta.tablename)
        if table._meta.tablename in APPEND_ONLY:
            await engine.run_ddl(f"REVOKE UPDATE, DELETE, TRUNCATE ON {name} FROM {role}")
            await engine.run_ddl(f"GRANT SELECT, INSERT ON {name} TO {role}")
        else:
            await engine.run_ddl(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {role}")
    await engine.run_ddl(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    await engine.run_ddl(f"GRANT SELECT ON migration TO {role}")
    for table in tenant_tables:
        tablename = table._meta.tablename
        name = _ident(tablename)
        await engine.run_ddl(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        await engine.run_ddl(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        has_policy = await engine.run_ddl(
            f"SELECT 1 FROM pg_policies WHERE tablename = '{tablename}' AND policyname = '{POLICY}'")
        if not has_policy:
            await engine.run_ddl(
                f"CREATE POLICY {POLICY} ON {name} USING ({TENANT_EXPR}) WITH CHECK ({TENANT_EXPR})")
            done.append(f"RLS policy on {tablename}")
        fk = f"{tablename}_community_fk"
        has_fk = await engine.run_ddl(f"SELECT 1 FROM pg_constraint WHERE conname = '{fk}'")
        if not has_fk:
            await engine.run_ddl(f"ALTER TABLE {name} ADD CONSTRAINT {_ident(fk)} FOREIGN KEY (community_id) "
                                 "REFERENCES community(id) ON DELETE RESTRICT")
    return done


async def check_policies(engine: Engine, tenant_tables: Iterable[type[Table]]) -> list[str]:
    """Problems with RLS on the tenant tables (empty when every one is enabled, forced and has the policy)."""
    problems = []
    for table in tenant_tables:
        tablename = table._meta.tablename
        rows = await engine.run_ddl(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
            f"WHERE relname = '{tablename}' AND relkind = 'r'")
        if not rows:
            problems.append(f"{tablename}: table missing")
            continue
        if not rows[0]["relrowsecurity"] or not rows[0]["relforcerowsecurity"]:
            problems.append(f"{tablename}: row-level security not enabled and forced")
        if not await engine.run_ddl(
                f"SELECT 1 FROM pg_policies WHERE tablename = '{tablename}' AND policyname = '{POLICY}'"):
            problems.append(f"{tablename}: no {POLICY} policy")
    return problems
