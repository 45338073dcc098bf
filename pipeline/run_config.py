"""The corpus configuration file (TOML) of scheduled batch runs, validated by Pydantic.

Relative paths in the file are relative to the file itself, so a crontab line can name
the config from anywhere. Every problem becomes a ``ConfigError`` whose message names the
file and the field (``corpus.toml: politeness.rate_per_host: Input should be greater
than 0``), so an unattended job's log says what to fix.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

Lang = Literal["ru", "kk", "en"]
ALL_LANGS: tuple[Lang, ...] = ("ru", "kk", "en")

_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _slug(value: str) -> str:
    if not _SLUG_RE.match(value):
        raise ValueError(f"{value!r} is not a gov.kz project slug (letters, digits, -, _)")
    return value


Slug = Annotated[str, AfterValidator(_slug)]


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid (exit code 5)."""


class Politeness(BaseModel):
    """How hard a run may press on gov.kz (defaults suit the live site)."""

    model_config = ConfigDict(extra="forbid")

    concurrency: int = Field(2, ge=1, le=16, description="requests in flight at once")
    rate_per_host: float = Field(1.0, gt=0, description="request starts per second per host")
    timeout: float = Field(60.0, gt=0, description="seconds per request")
    max_retries: int = Field(4, ge=0, le=10, description="retries on 429/5xx/transport errors")
    backoff_base: float = Field(1.0, gt=0, description="first retry delay in seconds, doubling")
    page_size: int = Field(
        50, ge=1, le=100, description="items per list request (gov.kz may cap larger sizes)"
    )


class RunConfig(BaseModel):
    """One corpus: which entities and languages, since when, where, and how politely."""

    model_config = ConfigDict(extra="forbid")

    output: Path = Field(description="corpus directory: raw/, records/, state.sqlite, reports/")
    entities: list[Slug] = Field(min_length=1, description="gov.kz project slugs")
    languages: list[Lang] = Field(default_factory=lambda: list(ALL_LANGS), min_length=1)
    start_date: dt.date = Field(
        description="the first run fetches releases created on or after this day (UTC+5)"
    )
    lookback_days: float = Field(
        7, ge=0, le=366, description="re-fetch window before the watermark, to catch edits"
    )
    base_url: str = "https://www.gov.kz"
    politeness: Politeness = Field(default_factory=Politeness)

    @field_validator("entities")
    @classmethod
    def _unique_slugs(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for slug in value:
            if slug in seen:
                raise ValueError(f"entity {slug!r} is listed twice")
            seen.add(slug)
        return value

    @field_validator("languages")
    @classmethod
    def _unique_langs(cls, value: list[Lang]) -> list[Lang]:
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")


def load_config(path: Path) -> RunConfig:
    """Read and validate a corpus config; every problem becomes a ``ConfigError``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: no such config file") from err
    except IsADirectoryError as err:
        raise ConfigError(f"{path}: is a directory, not a config file") from err
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
