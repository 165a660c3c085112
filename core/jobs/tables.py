"""What the job system keeps in the database, so that nothing depends on a broker's memory.

* ``JobReceipt``: one row per message whose effects committed — the key of exactly-once effects.
* ``DeadJob``: messages that ran out of retries (or were refused), listed and retried by operators.
* ``ScheduleSlot``: the last time each schedule fired; a compare-and-set on it is the lock that
  lets only one scheduler fire a slot.
* ``JobRun``: long jobs a user started (exports, reports): status, progress and the result file.
"""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar

from core.db.base import LinliTable
from core.db.tenant import TenantTable


class JobReceipt(LinliTable, tablename="job_receipt"):
    message_id = Varchar(length=64, unique=True)
    actor = Varchar(length=120)
    community_id = Integer(null=True, default=None)
    finished_at = Timestamptz(index=True)


class DeadJob(LinliTable, tablename="job_dead"):
    message_id = Varchar(length=64, index=True)
    actor = Varchar(length=120, index=True)
    queue = Varchar(length=120)
    community_id = Integer(null=True, default=None, index=True)
    message = JSON(default="{}")  # the whole dramatiq message, re-enqueued as is on retry
    error = Text(default="")
    attempts = Integer(default=0)
    failed_at = Timestamptz()
    retried_at = Timestamptz(null=True, default=None)


class ScheduleSlot(LinliTable, tablename="job_schedule_slot"):
    name = Varchar(length=160, unique=True)
    last_fired_at = Timestamptz(null=True, default=None)
    fired_by = Varchar(length=120, default="")


class JobRun(TenantTable, tablename="job_run"):
    kind = Varchar(length=120, index=True)
    status = Varchar(length=16, default="queued")  # queued / running / done / failed
    progress = Integer(default=0)  # 0..100
    detail = Text(default="")
    params = JSON(default="{}")
    result_attachment_id = Integer(null=True, default=None)
    result_name = Varchar(length=255, default="")
    requested_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


JOB_TABLES = (JobReceipt, DeadJob, ScheduleSlot, JobRun)
