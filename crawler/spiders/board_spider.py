"""What every board spider shares: one spider per board type crawls all sources of that type (so
per-domain concurrency and AutoThrottle see one host as one host), keeps per-source progress,
applies the relevance filter, and turns every failure into a reason named per source.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from jobmatch.crawler.boards.fields import BoardFormatError, BoardPage
from jobmatch.crawler.posting import posting_id
from jobmatch.crawler.relevance import RelevanceFilter
from jobmatch.crawler.sources import Source, load_sources

logger = logging.getLogger(__name__)

# Sent when every request of a source has been answered or has failed: source=<name>, stats=<dict>.
source_finished = object()
STATS_PREFIX = "jobmatch/source/"


@dataclass
class SourceProgress:
    """A source's crawl so far: requests outstanding, what came back, what went wrong."""

    source: Source
    pending: int = 0
    pages: int = 0
    entries: int = 0
    parsed: int = 0
    kept: int = 0
    filtered: int = 0
    dropped: int = 0
    total: int | None = None
    gone: bool = False
    finished: bool = False
    errors: list[str] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        """Every page came back and parsed: jobs missing from it have closed."""
        return self.finished and not self.errors and self.pages > 0

    def as_stats(self) -> dict[str, Any]:
        return {
            "name": self.source.name, "type": self.source.type, "pages": self.pages, "entries": self.entries,
            "parsed": self.parsed, "kept": self.kept, "filtered": self.filtered, "dropped": self.dropped,
            "total": self.total, "gone": self.gone, "complete": self.complete, "errors": list(self.errors),
        }


class BoardSpider(scrapy.Spider):
    """Base of the board spiders; subclasses set ``name``, ``board_type`` and ``first_requests``."""

    board_type: ClassVar[str] = ""

    def __init__(self, sources: Iterable[Source] | str | Path | None = None,
                 relevance: RelevanceFilter | None | str = "default", **kwargs: Any):
        super().__init__(**kwargs)
        if sources is None or isinstance(sources, str | Path):
            config = load_sources(sources)  # plain `scrapy crawl NAME -a sources=FILE`
            sources = config.of_type(self.board_type)
            relevance = config.relevance
        self.sources = list(sources)
        self.relevance: RelevanceFilter | None = RelevanceFilter() if relevance == "default" else relevance  # type: ignore[assignment]
        self.progress = {source.name: SourceProgress(source) for source in self.sources}
        self.page_size = 100  # JOBMATCH_PAGE_SIZE: Lever and SmartRecruiters pages
        self.max_pages = 50  # JOBMATCH_MAX_PAGES per source

    # Requests ------------------------------------------------------------------------------------

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source in self.sources:
            yield from self.first_requests(source)

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        raise NotImplementedError

    def fetch(self, source: Source, url: str, handler: str, **handler_kwargs: Any) -> scrapy.Request:
        """A request for ``source`` whose response goes to ``self.<handler>(response, source, ...)``."""
        progress = self.progress[source.name]
        progress.pending += 1
        return scrapy.Request(
            url, callback=self._on_response, errback=self._on_failure, dont_filter=True,
            cb_kwargs={"source_name": source.name, "handler": handler, "handler_kwargs": handler_kwargs},
            meta={"jobmatch_source": source.name},
        )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BoardSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.page_size = crawler.settings.getint("JOBMATCH_PAGE_SIZE", spider.page_size)
        spider.max_pages = crawler.settings.getint("JOBMATCH_MAX_PAGES", spider.max_pages)
        return spider

    def may_fetch_page(self, source: Source) -> bool:
        """Paging stops at JOBMATCH_MAX_PAGES per source (a board that pages forever is a failure)."""
        limit = self.max_pages
        progress = self.progress[source.name]
        if progress.pages + progress.pending >= limit:
            progress.errors.append(f"stopped after {limit} pages (JOBMATCH_MAX_PAGES)")
            return False
        return True

    # Responses -----------------------------------------------------------------------------------

    def _on_response(self, response: scrapy.http.Response, source_name: str, handler: str,
                     handler_kwargs: dict[str, Any]) -> Iterator[Any]:
        progress = self.progress[source_name]
        progress.pending -= 1
        progress.pages += 1
        try:
            results = list(getattr(self, handler)(response, progress.source, **handler_kwargs))
        except BoardFormatError as error:
            progress.errors.append(f"{error} ({response.url})")
            results = []
        except Exception as error:  # a parser bug must not sink the other sources
            logger.exception("parsing %s failed", response.url)
            progress.errors.append(f"parse error: {type(error).__name__}: {error} ({response.url})")
            results = []
        yield from results
        self._finish_if_done(progress)

    def _on_failure(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        progress = self.progress[request.cb_kwargs["source_name"]]
        progress.pending -= 1
        reason, gone = describe_failure(failure, self.settings if hasattr(self, "settings") else None)
        progress.gone = progress.gone or gone
        progress.errors.append(f"{reason} ({request.url})")
        self._finish_if_done(progress)

    def read_json(self, response: scrapy.http.Response) -> Any:
        try:
            return json.loads(response.body)
        except UnicodeDecodeError:
            raise BoardFormatError("malformed JSON: not UTF-8") from None
        except json.JSONDecodeError as error:
            raise BoardFormatError(
                f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None

    def keep(self, source: Source, page: BoardPage) -> Iterator[Any]:
        """Count a parsed page, remember every id seen, and yield the postings the filter keeps."""
        progress = self.progress[source.name]
        progress.entries += page.entries
        progress.dropped += page.dropped
        progress.parsed += len(page.postings)
        if page.total is not None:
            progress.total = page.total
        for posting in page.postings:
            progress.seen_ids.add(posting.id or "")
            if self.relevance is not None and not self.relevance.keeps(posting.title, posting.description):
                progress.filtered += 1
                continue
            progress.kept += 1
            yield posting

    def skip_unfetched(self, source: Source, board_id: str) -> None:
        """A job left out from its title alone: still seen (so not closed), counted as filtered."""
        progress = self.progress[source.name]
        progress.seen_ids.add(posting_id(source.name, board_id, None, ""))
        progress.filtered += 1

    # Bookkeeping ---------------------------------------------------------------------------------

    def _finish_if_done(self, progress: SourceProgress) -> None:
        if progress.pending > 0 or progress.finished:
            return
        progress.finished = True
        self._publish(progress)

    def _publish(self, progress: SourceProgress) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is None:
            return
        stats = progress.as_stats()
        crawler.stats.set_value(STATS_PREFIX + progress.source.name, stats)
        crawler.signals.send_catch_log(signal=source_finished, source=progress.source.name, stats=stats)

    def closed(self, reason: str) -> None:
        for progress in self.progress.values():
            if progress.finished:
                continue
            if reason != "finished":
                progress.errors.append(f"crawl stopped before this source finished ({reason})")
            else:
                progress.errors.append("no response: the request was dropped before it was answered")
            self._publish(progress)


def describe_failure(failure: Failure, settings: Any = None) -> tuple[str, bool]:
    """One short reason for a failed request, and whether it says the board is gone (404/410)."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        if status in (404, 410):
            return f"board gone (HTTP {status})", True
        retried = error.response.request.meta.get("retry_times") if error.response.request else None
        return f"HTTP {status}" + (f" after {retried} retr{'y' if retried == 1 else 'ies'}" if retried else ""), False
    text = str(error)
    name = type(error).__name__
    if "max size" in text or "maxsize" in text.lower():
        limit = settings.getint("DOWNLOAD_MAXSIZE") if settings is not None else None
        return f"response larger than the size cap ({limit} bytes, DOWNLOAD_MAXSIZE)", False
    if "Timeout" in name or "timed out" in text.lower() or "took longer than" in text:
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT") if settings is not None else None
        return f"timed out (no answer within {timeout:g} s)" if timeout else "timed out", False
    if "redirect" in text.lower():
        return f"redirect loop ({text})", False
    if "robots.txt" in text:
        return "forbidden by robots.txt", False
    if "ConnectionRefused" in name:
        return "connection refused", False
    if "DNSLookup" in name or "CannotResolveHost" in name:
        return "host not found (DNS)", False
    if "NoRoute" in name or name == "ConnectError" or "unreachable" in text.lower():
        return f"cannot connect ({text.rstrip('.')})"[:300], False
    return f"{name}: {text}".strip(": ")[:300], False
