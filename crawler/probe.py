"""Probing sources without storing anything: ``jobmatch sources check`` and ``sources add --probe``.

The same spiders, politeness and failure reasons as ``jobmatch crawl`` (robots.txt, retries, the
size cap), with no item pipeline, no lock and no run record; one verdict per source with what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jobmatch.crawler.health import SourceResult, source_results
from jobmatch.crawler.sources import SourcesConfig


@dataclass
class Verdict:
    name: str
    type: str
    status: str  # ok | empty | gone | failed
    jobs: int  # job entries the board listed
    reason: str | None
    fix: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def verdict(result: SourceResult) -> Verdict:
    failure = result.failure or ""
    if result.gone:
        status, fix = "gone", "the board moved or closed: remove the entry, or add the new one with " \
                              "`jobmatch sources add <careers-page URL>`"
    elif "forbidden" in failure or "HTML or XML page" in failure:
        status, fix = "failed", "the board refuses crawlers or is not where the entry says: check its careers " \
                                "page, or remove the entry"
    elif result.failure and "(DNS)" in failure:
        status, fix = "failed", "the host does not exist (a typo in the key?) or the network is down"
    elif result.failure:
        status, fix = "failed", "try again later; if it keeps failing, check the board's careers page"
    elif result.entries == 0:
        status, fix = "empty", "no jobs listed right now; if it stays empty, the company may have moved boards"
    else:
        status, fix = "ok", None
    return Verdict(result.name, result.type, status, result.entries, result.failure, fix)


def check_sources(config: SourcesConfig, overrides: Mapping[str, Any] | None = None) -> list[Verdict]:
    """Fetch and parse every source of ``config`` once; nothing is stored. Blocks until done."""
    from jobmatch.crawler.runner import CrawlLogging, _crawl, crawl_logging, crawl_settings

    settings = crawl_settings("", {"LOG_LEVEL": "WARNING", **(overrides or {}), "ITEM_PIPELINES": {},
                                   "HTTPCACHE_ENABLED": False, "LOG_INSTALL_ROOT_HANDLER": False})
    with crawl_logging(CrawlLogging()) as attach:
        stats = _crawl(config, settings, None, attach)
    return [verdict(result) for result in source_results(stats, [(s.name, s.type) for s in config.sources])]
