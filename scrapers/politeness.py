"""Politeness toward gov.kz: a per-host rate limit shared by every request of a client.

Concurrency is bounded separately (an asyncio.Semaphore in the client); this module only spaces
request starts so one host never sees more than `rate` requests per second from us.
"""

from __future__ import annotations

import asyncio
import time


class HostRateLimiter:
    """Spaces request starts per host by at least 1/rate seconds (rate <= 0: no limit)."""

    def __init__(self, rate_per_host: float | None) -> None:
        self.interval = 1.0 / rate_per_host if rate_per_host and rate_per_host > 0 else 0.0
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, host: str) -> float:
        """Wait until `host` may receive the next request; return the seconds waited."""
        if self.interval <= 0:
            return 0.0
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        waited = start - now
        if waited > 0:
            await asyncio.sleep(waited)
        return waited
