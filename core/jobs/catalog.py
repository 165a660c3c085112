"""Every job and schedule a runtime knows: the core's, then each plugin's (enabled anywhere or not).

Both come from the contributions collected at boot (``core.plugins.contributions``), which has
already checked their types, names and that each schedule names a declared job; what is left
here is what only the job system knows: that cron expressions parse.
"""

from __future__ import annotations

from core.errors import ConfigError
from core.jobs.spec import Job
from core.plugins.registry import PluginRegistry
from core.plugins.types import Schedule


def all_jobs(registry: PluginRegistry) -> list[Job]:
    return [c.item for c in registry.contributions.jobs]


def job_owners(registry: PluginRegistry) -> dict[str, str]:
    """Job name → the plugin id that declared it (``core`` for the core's)."""
    return {c.item.name: c.plugin_id for c in registry.contributions.jobs}


def all_schedules(registry: PluginRegistry, job_names: set[str] | None = None) -> list[Schedule]:
    from core.jobs.cron import parse

    schedules = [c.item for c in registry.contributions.schedules]
    names = [s.name for s in schedules]
    if len(names) != len(set(names)):
        raise ConfigError("two schedules share a name")
    for s in schedules:
        parse(s.cron, s.name)
        if job_names is not None and s.actor_name not in job_names:
            raise ConfigError(
                f"schedule {s.name}: no job named {s.actor_name!r} is declared (register_actors)"
            )
    return schedules
