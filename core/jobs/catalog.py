"""Every job and schedule a runtime knows: the core's, then each plugin's (enabled anywhere or not)."""

from __future__ import annotations

from core.errors import ConfigError
from core.jobs.spec import Job
from core.plugins.registry import PluginRegistry
from core.plugins.types import Schedule

# The core's periodic work. Per-community schedules are fanned out by `core.jobs.fan_out`.
CORE_SCHEDULES = [
    Schedule(name="core.events.sweep", cron="* * * * *", actor_name="core.events.sweep",
             per_tenant=False),
    Schedule(name="core.cases.escalate_overdue", cron="*/5 * * * *",
             actor_name="core.cases.escalate_overdue"),
    Schedule(name="core.grids.generate_visit_plans", cron="30 2 * * *",
             actor_name="core.grids.generate_visit_plans"),
    Schedule(name="core.jobs.prune_receipts", cron="15 3 * * *", actor_name="core.jobs.prune_receipts",
             per_tenant=False),
    Schedule(name="core.files.collect_orphans", cron="40 * * * *", actor_name="core.files.collect_orphans",
             per_tenant=False),
]


def core_jobs() -> list[Job]:
    from core.events.jobs import EVENT_JOBS
    from core.files.jobs import FILE_JOBS
    from core.jobs.core_jobs import CORE_JOBS
    from core.residents.export_job import RESIDENT_JOBS

    return [*EVENT_JOBS, *CORE_JOBS, *FILE_JOBS, *RESIDENT_JOBS]


def all_jobs(registry: PluginRegistry) -> list[Job]:
    jobs = core_jobs()
    for plugin_id, fn in registry.impls("register_actors"):
        for item in fn() or ():
            if not isinstance(item, Job):
                raise ConfigError(f"plugin {plugin_id}: register_actors must return jobs made "
                                  "with core.api.job")
            if not item.name.startswith(f"{plugin_id}."):
                raise ConfigError(f"plugin {plugin_id}: job {item.name!r} must start with "
                                  f"'{plugin_id}.'")
            jobs.append(item)
    return jobs


def all_schedules(registry: PluginRegistry, job_names: set[str] | None = None) -> list[Schedule]:
    from core.jobs.cron import parse

    schedules = list(CORE_SCHEDULES)
    for plugin_id, fn in registry.impls("register_schedules"):
        for item in fn() or ():
            if not isinstance(item, Schedule):
                raise ConfigError(f"plugin {plugin_id}: register_schedules must return Schedule")
            schedules.append(item)
    names = [s.name for s in schedules]
    if len(names) != len(set(names)):
        raise ConfigError("two schedules share a name")
    for s in schedules:
        parse(s.cron, s.name)
        if job_names is not None and s.actor_name not in job_names:
            raise ConfigError(f"schedule {s.name}: no job named {s.actor_name!r} is declared "
                              "(register_actors)")
    return schedules
