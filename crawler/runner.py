"""Running a crawl: the lock, the run record, Scrapy's CrawlerProcess, and the health verdict.

One spider per board type, all in one CrawlerProcess (Twisted's reactor runs once per process, so
a crawl is one process; tests run it as a subprocess).

Logging fit for cron: Scrapy's own root handler is not installed; ours prints each record at
WARNING or above as one line on stderr (``Warning: crawl: ...``, no traceback). ``verbose`` shows
INFO with full tracebacks, ``tracebacks`` shows the tracebacks, ``log_file`` appends everything at
INFO with tracebacks to a file. A robots.txt that cannot be fetched is an INFO line (the source's
own request fails the same way, and is reported once per source).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobmatch.crawler.errors import CrawlerError
from jobmatch.crawler.health import Health, SourceResult, assess, source_results
from jobmatch.crawler.lock import crawl_locks
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


@dataclass
class CrawlLogging:
    """Where the crawl's log goes besides the one-line warnings on stderr."""

    verbose: bool = False  # INFO and full tracebacks on stderr
    tracebacks: bool = False  # full tracebacks of warnings and errors on stderr
    log_file: str | None = None  # everything at INFO, with tracebacks, appended here


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
              on_source_finished: SourceFinished | None = None,
              log: CrawlLogging | None = None, *, one_of_many: bool = False) -> CrawlResult:
    """Crawl every source of ``config`` into the store and record the run; blocks until done.

    ``one_of_many``: this is one source's task of a distributed crawl (config holds that source):
    it takes that source's locks and the store's crawl lock shared, and leaves other runs alone.
    """
    from jobmatch.crawler.recrawl import cache_settings  # polite re-crawls: the HTTP cache beside the store

    log = log or CrawlLogging()
    settings = crawl_settings(store_location, {
        "LOG_LEVEL": "INFO" if log.verbose else "WARNING", **cache_settings(lock_path), **(overrides or {}),
        "LOG_INSTALL_ROOT_HANDLER": False})
    if settings.get("LOG_FILE") and not log.log_file:
        log.log_file = settings.get("LOG_FILE")
    if one_of_many and len(config.sources) != 1:
        raise CrawlerError("a distributed crawl's task crawls one source")
    locks, lock = crawl_locks(store_location, lock_path, source=config.sources[0].name if one_of_many else None)
    with locks, crawl_logging(log) as attach_logging:
        store = Store(store_location)
        try:
            if not one_of_many:  # other runs may be live beside one source's task
                _close_interrupted_runs(store)
            run_id = store.start_run([source.describe() for source in config.sources])
            try:
                stats = _crawl(config, settings, on_source_finished, attach_logging)
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


ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
SCRAPY_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """``Warning: crawl: <the first line of the message>``; an exception adds its message, not its
    traceback or class."""

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().strip().splitlines()
        message = lines[0].strip() if lines else ""
        if record.exc_info and record.exc_info[1] is not None:
            detail = (str(record.exc_info[1]).strip().splitlines() or [""])[0]
            if detail and detail not in message:
                message = f"{message}: {detail}" if message else detail
        label = "Error" if record.levelno >= logging.ERROR else "Warning" if record.levelno >= logging.WARNING \
            else "Info"
        return f"{label}: crawl: {message}"[:1000]


class _RobotsFailure(logging.Filter):
    """A robots.txt that could not be downloaded: one INFO line naming the host, not an ERROR with a
    traceback (Scrapy then crawls the host as if robots.txt allowed everything)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith("Error downloading"):
            args = record.args if isinstance(record.args, Mapping) else {}
            request = args.get("request")
            url = getattr(request, "url", "") or ""
            host = url.split("://", 1)[-1].split("/", 1)[0] or "a host"
            reason = (str(args.get("f_exception") or "").splitlines() or [""])[0]
            record.msg, record.args = "robots.txt of %s could not be fetched (%s)", (host, reason)
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class _AlreadyReported(logging.Filter):
    """Leaves out of the one-line stderr log the warnings its source's FAILED line already says."""

    NEEDLES = ("larger than download max size",)

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not any(needle in message for needle in self.NEEDLES)


@contextmanager
def crawl_logging(log: CrawlLogging) -> Iterator[Callable[[], None]]:
    """Our handlers for the crawl; yields ``attach``, to call once Scrapy has set up logging (it
    installs no root handler of its own here). The log file is opened first, so a bad path fails
    before anything is crawled. Everything is removed afterwards."""
    root = logging.getLogger()
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.INFO if log.verbose else logging.WARNING)
    detailed = log.verbose or log.tracebacks
    stderr.setFormatter(logging.Formatter(SCRAPY_FORMAT) if detailed else OneLineFormatter())
    if not log.verbose:
        stderr.addFilter(_AlreadyReported())
    handlers: list[logging.Handler] = [stderr]
    if log.log_file:
        try:
            file_handler = logging.FileHandler(log.log_file, mode="a", encoding="utf-8")
        except OSError as error:
            raise CrawlerError(f"log file {log.log_file}: {error.strerror or error}") from None
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(logging.Formatter(SCRAPY_FORMAT))
        handlers.append(file_handler)
    robots = _RobotsFailure()
    previous_level = root.level

    def attach() -> None:
        logging.getLogger(ROBOTS_LOGGER).addFilter(robots)
        root.setLevel(logging.INFO)
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)

    try:
        yield attach
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
        logging.getLogger(ROBOTS_LOGGER).removeFilter(robots)
        root.setLevel(previous_level)


def _close_interrupted_runs(store: Store) -> None:
    """We hold the lock, so a run still marked running was killed: record it as failed."""
    for run in store.crawl_runs():
        if run["status"] == "running":
            store.finish_run(run["id"], "failed", run["sources"] or [],
                             {**(run["totals"] or {}), "interrupted": 1})


def _crawl(config: SourcesConfig, settings: Any, on_source_finished: SourceFinished | None,
           attach_logging: Callable[[], None] | None = None) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    from jobmatch.crawler.spiders import spider_class
    from jobmatch.crawler.spiders.board_spider import source_finished

    process = CrawlerProcess(settings)
    if attach_logging is not None:  # after Scrapy's logging set-up, which resets handlers
        attach_logging()
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
