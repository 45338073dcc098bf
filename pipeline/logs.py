"""Logging set-up: rich, readable lines on a terminal; one JSON object per event
otherwise (cron, systemd, CI), so unattended runs can be read by machines."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        event.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


def is_terminal() -> bool:
    return sys.stderr.isatty()


def setup_logging(*, json_logs: bool | None = None, level: int = logging.INFO) -> bool:
    """Configure the root logger; returns whether JSON logs are in use."""
    use_json = (not is_terminal()) if json_logs is None else json_logs
    root = logging.getLogger()
    root.handlers.clear()
    handler: logging.Handler
    if use_json:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        from rich.logging import RichHandler

        handler = RichHandler(show_path=False, markup=False, rich_tracebacks=True)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "pymorphy3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return use_json
