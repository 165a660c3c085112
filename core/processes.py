"""Child and stale processes of ``linli serve`` (Redis, SeaweedFS, worker, scheduler).

A process counts as gone when it no longer exists *or* is a zombie: in a container whose PID 1
does not reap orphans, a killed orphan stays a zombie forever and ``kill(pid, 0)`` still works.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        pass
    if Path("/proc/self").exists():
        return False  # /proc works, and this pid is not in it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cmdline(pid: int) -> list[str]:
    """The process's arguments ([] when it is gone); ``ps`` where there is no /proc."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [a.decode(errors="replace") for a in raw.split(b"\0") if a]
    except OSError:
        if Path("/proc/self").exists():
            return []
    try:
        out = subprocess.run(
            ["ps", "-p", str(pid), "-o", "command="], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return []
    return out.split()


def runs(pid: int, needle: str) -> bool:
    """``pid`` is alive and its command line contains ``needle`` (not some reused pid)."""
    return alive(pid) and needle in " ".join(cmdline(pid))


def end(pid: int, timeout: float = 10, *, group: bool = False) -> None:
    """SIGTERM (the process group with ``group``), then SIGKILL when not gone after ``timeout``."""
    kill = os.killpg if group else os.kill
    with contextlib.suppress(ProcessLookupError, PermissionError):
        kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
        if not alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def end_stale(pid_file: Path, needle: str, *, group: bool = False) -> int | None:
    """End the process a leftover pid file names, if it still runs ``needle``; drop the file.

    Returns the pid that was ended (None when there was nothing to end).
    """
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip() or 0)
    except ValueError:
        pid = 0
    pid_file.unlink(missing_ok=True)
    if pid and runs(pid, needle):
        end(pid, group=group)
        return pid
    return None
