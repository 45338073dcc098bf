"""Errors about single items, kept free of heavy imports so the CLI starts fast."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemError:
    """An item that could not become a record, with enough to find it again."""

    item: str  # e.g. "anticorruption-vko/1021338/ru" or an input line number
    message: str
    where: str | None = None  # endpoint, WARC record or file

    def __str__(self) -> str:
        loc = f" ({self.where})" if self.where else ""
        return f"{self.item}: {self.message}{loc}"


class BadItem(ValueError):
    """An item lacks what a record needs; becomes an ``ItemError`` naming it."""


__all__ = ["BadItem", "ItemError"]
