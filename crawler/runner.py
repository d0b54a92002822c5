"""Running a crawl: the lock, the run record, Scrapy's CrawlerProcess, and the health verdict.

One spider per board type, all in one CrawlerProcess (Twisted's reactor runs once per process, so
a crawl is one process; tests run it as a subprocess).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobmatch.crawler.health import Health, SourceResult, assess, source_results
from jobmatch.crawler.lock import CrawlLock
from jobmatch.crawler.sources import BOARD_TYPES, SourcesConfig
from jobmatch.crawler.store import Store

# Called with (source name, its crawl stats) as each source finishes: for progress displays.
SourceFinished = Callable[[str, dict[str, Any]], None]


@dataclass
class CrawlResult:
    run_id: int
    sources: list[SourceResult]
    health: Health
    stale_lock: dict[str, Any] | None


def crawl_settings(store_location: str, overrides: Mapping[str, Any] | None = None) -> Any:
    """The settings module, the store, and any ``NAME=VALUE`` overrides (highest priority)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("jobmatch.crawler.settings", priority="project")
    settings.set("JOBMATCH_STORE", store_location, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(config: SourcesConfig, store_location: str, lock_path: Path,
              overrides: Mapping[str, Any] | None = None,
              on_source_finished: SourceFinished | None = None) -> CrawlResult:
    """Crawl every source of ``config`` into the store and record the run; blocks until done."""
    with CrawlLock(lock_path) as lock:
        store = Store(store_location)
        try:
            _close_interrupted_runs(store)
            run_id = store.start_run([source.describe() for source in config.sources])
            try:
                stats = _crawl(config, crawl_settings(store_location, overrides), on_source_finished)
            except BaseException:
                store.finish_run(run_id, "failed", [s.describe() for s in config.sources], {})
                raise
            results = source_results(stats, [(s.name, s.type) for s in config.sources])
            health = assess(results)
            store.finish_run(run_id, "healthy" if health.exit_code == 0 else "unhealthy",
                             [result.as_dict() for result in results], health.totals)
        finally:
            store.close()
    return CrawlResult(run_id, results, health, lock.stale_owner)


def parse_only(config: SourcesConfig, overrides: Mapping[str, Any] | None = None) -> int:
    """Fetch and parse every source without storing anything; returns how many postings were kept.

    The baseline of ``benchmarks/crawl_benchmark.py``: what a crawl costs before the store.
    """
    stats = _crawl(config, crawl_settings("", {**(overrides or {}), "ITEM_PIPELINES": {}}), None)
    return int(stats.get("item_scraped_count", 0))


def _close_interrupted_runs(store: Store) -> None:
    """We hold the lock, so a run still marked running was killed: record it as failed."""
    for run in store.crawl_runs():
        if run["status"] == "running":
            store.finish_run(run["id"], "failed", run["sources"] or [],
                             {**(run["totals"] or {}), "interrupted": 1})


def _crawl(config: SourcesConfig, settings: Any, on_source_finished: SourceFinished | None) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    from jobmatch.crawler.spiders import spider_class
    from jobmatch.crawler.spiders.board_spider import source_finished

    process = CrawlerProcess(settings)
    crawlers = []
    for board_type in BOARD_TYPES:
        sources = config.of_type(board_type)
        if not sources:
            continue
        crawler = process.create_crawler(spider_class(board_type))
        if on_source_finished is not None:
            def relay(source: str, stats: dict[str, Any], **_: Any) -> None:
                on_source_finished(source, stats)
            crawler.signals.connect(relay, signal=source_finished, weak=False)
        process.crawl(crawler, sources=sources, relevance=config.relevance)
        crawlers.append(crawler)
    process.start()
    stats: dict[str, Any] = {}
    for crawler in crawlers:
        stats.update(crawler.stats.get_stats() or {})
    stats["item_scraped_count"] = sum(c.stats.get_value("item_scraped_count", 0) for c in crawlers)
    return stats
