"""gov.kz acquisition: polite API client, raw WARC archive, and a replay server for tests."""

__version__ = "0.1.0"

from .archive import RawItem, RawItemError, WarcArchive, iter_raw_items, list_warc_files
from .client import CrawlFailed, CrawlStats, GovKzClient, NewsPage, crawl
from .errors import (
    ApiDriftError,
    ChallengeError,
    HttpStatusError,
    NotAllowedError,
    RepeatedPageError,
    ScraperError,
    TransportFailure,
)
from .faults import Fault, FaultPlan
from .replay import ReplayServer

__all__ = [
    "ApiDriftError",
    "ChallengeError",
    "CrawlFailed",
    "CrawlStats",
    "Fault",
    "FaultPlan",
    "GovKzClient",
    "HttpStatusError",
    "NewsPage",
    "NotAllowedError",
    "RawItem",
    "RawItemError",
    "RepeatedPageError",
    "ReplayServer",
    "ScraperError",
    "TransportFailure",
    "WarcArchive",
    "__version__",
    "crawl",
    "iter_raw_items",
    "list_warc_files",
]
