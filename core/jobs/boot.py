"""The module ``linli worker`` hands to dramatiq: importing it connects this process.

dramatiq's command line imports this in each worker process; the settings come from the
environment (the same ``LINLI_*`` variables as ``linli serve``).
"""

from __future__ import annotations

from core.jobs.setup import start_queue
from core.logging import configure_logging
from core.runtime import build_runtime, set_current
from core.settings import load_settings

settings = load_settings()
configure_logging(settings)
runtime = build_runtime(settings)
set_current(runtime)
queue = start_queue(runtime)
if queue is None:
    raise SystemExit("error: LINLI_BROKER_URL is not set; a worker needs a broker")
broker = queue.broker
