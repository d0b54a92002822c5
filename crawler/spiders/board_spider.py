"""The board spider: one per board type, built from the board's declaration, crawls all sources of
that type (so per-domain concurrency and AutoThrottle see one host as one host), keeps per-source
progress, applies the relevance filter, and turns every failure into a reason named per source.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from jobmatch.crawler.boards.base import DETAIL_MISSING, Board, Crawl, Detail, Fetch
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
    page_requests: int = 0  # list and page requests sent (JOBMATCH_MAX_PAGES caps them)
    details: int = 0  # per-posting detail requests sent (JOBMATCH_MAX_DETAILS caps them)
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
    """The spider of one board type: built from the board's declaration (``board``) by
    ``spider_for``; it sends the board's ``Fetch`` requests and runs its handlers on the answers."""

    board: ClassVar[Board]
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
        self.page_size = 100  # JOBMATCH_PAGE_SIZE: boards that page
        self.max_pages = 50  # JOBMATCH_MAX_PAGES per source
        self.max_details = 2000  # JOBMATCH_MAX_DETAILS: per-posting requests per source

    # Requests ------------------------------------------------------------------------------------

    async def start(self) -> Any:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source in self.sources:
            yield from self.first_requests(source)

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        for fetch in self.board.start(self._crawl(source)):
            yield self.request(source, fetch)

    def _crawl(self, source: Source, url: str = "") -> Crawl:
        return Crawl(source=source, page_size=self.page_size, url=url)

    def request(self, source: Source, fetch: Fetch, detail: Detail | None = None) -> scrapy.Request:
        """The Scrapy request for a board's ``Fetch``, moved to the source's ``base_url``."""
        request = self._scrapy_request(source, source.page_url(fetch.url), fetch.handler, dict(fetch.kwargs))
        changes: dict[str, Any] = {}
        if fetch.json is not None:
            changes = {"method": "POST", "body": json.dumps(fetch.json).encode("utf-8")}
            request.headers.setdefault(b"Content-Type", b"application/json")
            request.headers.setdefault(b"Accept", b"application/json")
        elif fetch.method != "GET":
            changes = {"method": fetch.method}
        for name, value in fetch.headers.items():
            request.headers[name] = value
        if detail is not None:
            request.meta["jobmatch_detail"] = detail.board_id
            if detail.fallback is not None:
                request.meta["jobmatch_fallback"] = detail.fallback
        else:
            self.progress[source.name].page_requests += 1
        return request.replace(**changes) if changes else request

    def fetch(self, source: Source, url: str, handler: str, **handler_kwargs: Any) -> scrapy.Request:
        """A request for ``source`` whose response goes to ``self.<handler>(response, source, ...)``."""
        return self._scrapy_request(source, url, handler, handler_kwargs)

    def _scrapy_request(self, source: Source, url: str, handler: str, handler_kwargs: dict[str, Any]) -> scrapy.Request:
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
        spider.max_details = crawler.settings.getint("JOBMATCH_MAX_DETAILS", spider.max_details)
        return spider

    def may_fetch_page(self, source: Source) -> bool:
        """Paging stops at JOBMATCH_MAX_PAGES per source (a board that pages forever is a failure)."""
        limit = self.max_pages
        progress = self.progress[source.name]
        if progress.page_requests >= limit:
            progress.errors.append(f"stopped after {limit} pages (JOBMATCH_MAX_PAGES)")
            return False
        return True

    # Responses -----------------------------------------------------------------------------------

    def handle(self, handler: str, response: scrapy.http.Response, source: Source, **kwargs: Any) -> Iterator[Any]:
        """Run the board's handler on a response: its postings (filtered), next pages, details."""
        declared = self.board.handlers[handler]
        step = declared.parse(self.decode(response, declared.body), self._crawl(source, response.url), **kwargs)
        yield from self.keep(source, step.page)
        progress = self.progress[source.name]
        for detail in step.details:
            if self.relevance is not None and not self.relevance.might_keep(detail.title):
                self.skip_unfetched(source, detail.board_id)
                continue
            if progress.details >= self.max_details:
                progress.errors.append(f"stopped after {self.max_details} detail requests (JOBMATCH_MAX_DETAILS)")
                break
            progress.details += 1
            yield self.request(source, detail.fetch, detail)
        for fetch in step.next:
            if self.may_fetch_page(source):
                yield self.request(source, fetch)

    def decode(self, response: scrapy.http.Response, body: str) -> Any:
        if body == "json":
            return self.read_json(response)
        if body == "text":
            if isinstance(response, scrapy.http.TextResponse):
                return response.text
            return response.body.decode("utf-8", "replace")
        return response.body

    def _on_response(self, response: scrapy.http.Response, source_name: str, handler: str,
                     handler_kwargs: dict[str, Any]) -> Iterator[Any]:
        progress = self.progress[source_name]
        progress.pending -= 1
        progress.pages += 1
        try:
            results = list(getattr(self, handler)(response, progress.source, **handler_kwargs))
        except BoardFormatError as error:
            progress.errors.append(f"{error} ({response.url})")
            results = list(self._fallback(response.request, progress, str(error)))
        except Exception as error:  # a parser bug must not sink the other sources
            logger.exception("parsing %s failed", response.url)
            progress.errors.append(f"parse error: {type(error).__name__}: {error} ({response.url})")
            results = list(self._fallback(response.request, progress, f"parse error: {type(error).__name__}"))
        yield from results
        self._finish_if_done(progress)

    def _on_failure(self, failure: Failure) -> list[Any]:
        request = failure.request  # type: ignore[attr-defined]
        progress = self.progress[request.cb_kwargs["source_name"]]
        progress.pending -= 1
        reason, gone = describe_failure(failure, self.settings if hasattr(self, "settings") else None)
        if request.meta.get("jobmatch_detail"):  # one posting's detail: the posting is gone, not the board
            reason, gone = reason.replace("board gone", "posting gone"), False
        progress.gone = progress.gone or gone
        progress.errors.append(f"{reason} ({request.url})")
        results = list(self._fallback(request, progress, reason))
        self._finish_if_done(progress)
        return results

    def _fallback(self, request: Any, progress: SourceProgress, reason: str) -> Iterator[Any]:
        """A detail request failed: the posting lands with what the list said, marked."""
        fallback = request.meta.get("jobmatch_fallback") if request is not None else None
        if fallback is None:
            return
        marked = dataclasses.replace(fallback, structured={**fallback.structured, DETAIL_MISSING: reason[:300]})
        yield from self.keep(progress.source, BoardPage(postings=[marked]))

    def read_json(self, response: scrapy.http.Response) -> Any:
        body = response.body
        try:
            return json.loads(body)
        except UnicodeDecodeError:
            raise BoardFormatError("malformed JSON: not UTF-8") from None
        except json.JSONDecodeError as error:
            if body.lstrip()[:1] == b"<":
                raise BoardFormatError("expected JSON, got an HTML or XML page (a bot check, a login page "
                                       "or a moved board?)") from None
            raise BoardFormatError(
                f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None

    def keep(self, source: Source, page: BoardPage) -> Iterator[Any]:
        """Count a parsed page, remember every id seen, and yield the postings the filter keeps.

        A job listed twice in one crawl of a source (Rippling lists one per location; a board
        that shifts between pages) lands once: the first copy."""
        progress = self.progress[source.name]
        progress.entries += page.entries
        progress.dropped += page.dropped
        if page.total is not None:
            progress.total = page.total
        for posting in page.postings:
            if posting.id in progress.seen_ids:
                continue
            progress.parsed += 1
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
        if status in (401, 403):
            return f"forbidden (HTTP {status}): the board refuses this crawler (a bot check or a login wall)", False
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


def spider_for(board: Board, module: str = __name__) -> type[BoardSpider]:
    """The spider class of a board: ``name`` is the board type, and each of the board's handlers is a
    method of the same name (``spider.parse_page(response, source, **kwargs)``)."""

    def method(handler: str) -> Any:
        def run(self: BoardSpider, response: scrapy.http.Response, source: Source, **kwargs: Any) -> Iterator[Any]:
            return self.handle(handler, response, source, **kwargs)

        run.__name__ = handler
        return run

    class_name = "".join(part.capitalize() for part in board.type.replace("-", "_").split("_")) + "Spider"
    attributes: dict[str, Any] = {"name": board.type, "board": board, "board_type": board.type,
                                  "__module__": module, "__doc__": f"The {board.label} spider ({board.endpoint})."}
    attributes.update({handler: method(handler) for handler in board.handlers})
    return type(class_name, (BoardSpider,), attributes)
