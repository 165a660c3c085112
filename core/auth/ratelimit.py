"""A small in-process sliding-window limiter for login attempts per client address.

Per-account lockout (stored on the user row) is the durable defence; this one slows a single
address spraying many accounts. It is per process: behind N app processes the limit is N times
looser, which is acceptable for its purpose.
"""

from __future__ import annotations

import time
from collections import deque


class SlidingWindowLimiter:
    def __init__(self, max_events: int, window_seconds: float):
        self.max_events = max_events
        self.window = window_seconds
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.max_events:
            return False
        events.append(now)
        if len(self._events) > 10_000:  # bound memory under a spray of addresses
            self._events = {k: v for k, v in self._events.items() if v}
        return True

    def reset(self) -> None:
        self._events.clear()
