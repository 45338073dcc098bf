"""Errors of the scrapers package: loud, specific, and naming the endpoint involved.

A scraper that quietly returns nothing when gov.kz changes its answers would produce a silent
empty corpus; every surprising answer therefore becomes one of these exceptions instead.
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base class of every error raised by scrapers/."""


class ApiDriftError(ScraperError):
    """The API answered with a shape we do not understand (the site changed, or a proxy lies)."""

    def __init__(self, endpoint: str, what: str) -> None:
        self.endpoint = endpoint
        self.what = what
        super().__init__(f"API drift at {endpoint}: {what}")


class RepeatedPageError(ApiDriftError):
    """A page came back identical to the previous one: pagination is not advancing."""


class ChallengeError(ScraperError):
    """The anti-bot handshake (POST .../_/c/k6) failed or returned an unacceptable ticket."""


class NotAllowedError(ChallengeError):
    """The news endpoint kept answering 400 "notAllowed" even after a fresh ticket."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        super().__init__(f"{endpoint}: 400 notAllowed even after a fresh ticket")


class HttpStatusError(ScraperError):
    """A non-success HTTP status that retrying did not (or could not) fix."""

    def __init__(self, endpoint: str, status: int, body_head: str = "") -> None:
        self.endpoint = endpoint
        self.status = status
        self.body_head = body_head
        detail = f": {body_head!r}" if body_head else ""
        super().__init__(f"{endpoint}: HTTP {status}{detail}")


class TransportFailure(ScraperError):
    """Network-level failure (timeout, reset, truncated body) that survived every retry."""

    def __init__(self, endpoint: str, cause: BaseException) -> None:
        self.endpoint = endpoint
        self.cause = cause
        super().__init__(f"{endpoint}: {type(cause).__name__}: {cause}")
