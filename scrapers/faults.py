"""Scripted misbehaviour for the replay server, so clients can be tested against bad days.

A fault matches requests by method, path glob (fnmatch, matched against the URL path only) and
an optional subset of query parameters; the first active matching fault, in the order added,
decides the answer and uses up one of its `times` (None = forever). Kinds:

- "status":    answer `status` (default 503) with `body` and optional Retry-After.
- "delay":     sleep `delay` seconds, then answer normally (unless `status` is also given).
- "malformed": 200 with a body that is not valid JSON (default: a cut-off array).
- "drift":     200 with valid JSON that is not an array (default: {"error": "drift"}).
- "truncated": 200 announcing a longer Content-Length than it sends, then closing the socket.
- "reset":     close the connection without any answer.

Every kind honours `delay` first, so "slow then 503" is one fault.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "delay", "malformed", "drift", "truncated", "reset"]
FAULT_KINDS: tuple[FaultKind, ...] = ("status", "delay", "malformed", "drift", "truncated", "reset")

DEFAULT_BODIES: dict[str, bytes] = {
    "malformed": b'[{"id": 1, "title": "cut off',
    "drift": b'{"error": "drift", "items": []}',
    "truncated": b'[{"id": 1, "title": "trunc',
}


@dataclass
class Fault:
    """One scripted answer; see the module docstring for the kinds."""

    path_glob: str
    kind: FaultKind = "status"
    status: int | None = None
    body: bytes | None = None
    content_type: str = "application/json;charset=UTF-8"
    retry_after: float | str | None = None
    delay: float = 0.0
    times: int | None = 1
    method: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    hits: int = 0

    def matches(self, method: str, path: str, query: Mapping[str, str]) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if not fnmatch.fnmatchcase(path, self.path_glob):
            return False
        return all(query.get(k) == v for k, v in self.query.items())

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class FaultPlan:
    """Thread-safe, ordered list of faults consulted by the replay server on every request."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        path_glob: str = "*",
        *,
        kind: FaultKind = "status",
        status: int | None = None,
        body: bytes | str | None = None,
        content_type: str = "application/json;charset=UTF-8",
        retry_after: float | str | None = None,
        delay: float = 0.0,
        times: int | None = 1,
        method: str | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Fault:
        """Script a fault; returns it so tests can read `fault.hits` afterwards.

        `status` alone (kind "status") answers that status; 503 if neither is given.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if kind == "status" and status is None:
            status = 503
        raw = body.encode("utf-8") if isinstance(body, str) else body
        fault = Fault(
            path_glob=path_glob,
            kind=kind,
            status=status,
            body=raw,
            content_type=content_type,
            retry_after=retry_after,
            delay=delay,
            times=times,
            method=method,
            query=dict(query or {}),
            headers=dict(headers or {}),
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str, query: Mapping[str, str]) -> Fault | None:
        """Return the first active fault matching this request and count the hit."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, query):
                    fault.hits += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        """Faults that can still fire (useful to assert a test used up its script)."""
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    @staticmethod
    def parse_spec(spec: str) -> dict[str, object]:
        """Parse a CLI fault spec `GLOB:KIND[:STATUS][,key=value...]` into add() kwargs.

        Example: `*/content-manager/news:status:429,retry_after=1,times=2`.
        """
        head, _, rest = spec.partition(",")
        parts = head.rsplit(":", 2)
        kwargs: dict[str, object] = {}
        if len(parts) == 3 and parts[2].isdigit():
            kwargs.update(path_glob=parts[0], kind=parts[1], status=int(parts[2]))
        elif len(parts) >= 2 and parts[-1] in FAULT_KINDS:
            kwargs["path_glob"], kwargs["kind"] = ":".join(parts[:-1]), parts[-1]
        else:
            kwargs["path_glob"] = head
        for pair in filter(None, rest.split(",")):
            key, _, value = pair.partition("=")
            if key in ("times", "status"):
                kwargs[key] = None if value in ("", "inf", "none") else int(value)
            elif key in ("delay",):
                kwargs[key] = float(value)
            elif key in ("retry_after", "body", "method", "content_type"):
                kwargs[key] = value
            else:
                raise ValueError(f"unknown fault option {key!r} in {spec!r}")
        return kwargs

    def add_spec(self, spec: str) -> Fault:
        """add() from a CLI string (see parse_spec)."""
        return self.add(**self.parse_spec(spec))  # type: ignore[arg-type]
