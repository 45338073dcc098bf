"""The corpus configuration file (TOML) of scheduled batch runs, validated by Pydantic.

Relative paths in the file are relative to the file itself, so a crontab line can name
the config from anywhere.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


Lang = Literal["ru", "kk", "en"]
ALL_LANGS: tuple[Lang, ...] = ("ru", "kk", "en")


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid (exit code 5)."""


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concurrency: int = Field(2, ge=1, le=16, description="requests in flight at once")
    rate_per_host: float = Field(1.0, gt=0, description="requests per second per host")
    timeout: float = Field(60.0, gt=0, description="seconds per request")
    max_retries: int = Field(4, ge=0, le=10, description="retries on 429/5xx/transport errors")
    backoff_base: float = Field(1.0, gt=0, description="first retry delay in seconds, doubling")
    page_size: int = Field(50, ge=1, le=1000)


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    output: Path = Field(description="corpus directory: raw/, records/, state.sqlite, reports/")
    entities: list[str] = Field(min_length=1, description="gov.kz project slugs")
    languages: list[Lang] = Field(default_factory=lambda: list(ALL_LANGS))
    start_date: dt.date = Field(description="first run fetches releases created after this day")
    lookback_days: float = Field(
        7, ge=0, description="re-fetch window before the last watermark, to catch edits"
    )
    base_url: str = "https://www.gov.kz"
    politeness: Politeness = Field(default_factory=Politeness)

    @field_validator("entities")
    @classmethod
    def _unique_slugs(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for slug in value:
            if not slug or not slug.replace("-", "").replace("_", "").isalnum():
                raise ValueError(f"{slug!r} is not a gov.kz project slug")
            if slug in seen:
                raise ValueError(f"entity {slug!r} is listed twice")
            seen.add(slug)
        return value


def load_config(path: Path) -> RunConfig:
    """Read and validate a corpus config; every problem becomes a ``ConfigError``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: no such config file") from err
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read TOML: {err}") from err
    try:
        config = RunConfig.model_validate(raw)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in err.errors()
        )
        raise ConfigError(f"{path}: {problems}") from err
    if not config.output.is_absolute():
        config.output = (path.parent / config.output).resolve()
    return config
