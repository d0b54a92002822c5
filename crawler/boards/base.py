"""What a board declares about itself, so that one module is the whole board.

A board module ends with ``BOARD = Board(...)``: its type, its key field, its API host, the extra
fields a source may set, the careers-page and API URL forms it recognises, the first requests of a
source, and the handlers that turn each response into postings and further requests. Everything
else derives from these declarations: the sources file's validation (``jobmatch.crawler.sources``),
``jobmatch sources add`` (``recognise_url``), the spider (``jobmatch.crawler.spiders``, one generic
class per board) and the table in ``docs/sources.md`` (``jobmatch.crawler.boards.docs``).

Pure: no Scrapy and no I/O. Requests are data (``Fetch``); the spider sends them, applies the
relevance filter, the page cap and the size cap, and hands each decoded body back to a handler.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobmatch.crawler.boards.fields import BoardPage
from jobmatch.crawler.posting import Posting


@dataclass(frozen=True)
class Option:
    """An extra field a source of this board may (or must) set, such as Lever's ``region``."""

    name: str
    help: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False
    default: str | None = None
    pattern: str | None = None  # the value must match this regex in full
    pattern_help: str = ""  # what the pattern means, for the error message


@dataclass(frozen=True)
class UrlForm:
    """A URL form the board recognises: a careers page or its API.

    ``pattern`` is matched at the start of ``host + path [+ ?query]`` (host lower-cased, case
    ignored, the rest of the URL after ``/``, ``?``, ``&`` or ``#`` ignored); its named groups
    become the source entry's fields, next to the fixed ``fields``. ``form`` is how the docs show
    it (``https://boards.greenhouse.io/{board}``) and ``example`` a URL the docs table lists (a test
    walks that table).
    """

    form: str
    pattern: str
    example: str
    fields: Mapping[str, str] = field(default_factory=dict)
    also: tuple[str, ...] = ()  # more examples for the docs table

    @property
    def examples(self) -> tuple[str, ...]:
        return (self.example, *self.also)

    def match(self, target: str) -> dict[str, str] | None:
        found = re.match(self.pattern + r"(?:[/?&#].*)?$", target, re.IGNORECASE)
        if found is None:
            return None
        return {**self.fields, **{name: value for name, value in found.groupdict().items() if value}}


@dataclass(frozen=True)
class Fetch:
    """A request a board wants sent: ``url`` on the board's real host (the spider moves it to the
    source's ``base_url``), answered by the board's handler named ``handler`` with ``kwargs``."""

    url: str
    handler: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    method: str = "GET"
    json: Any = None  # sent as a JSON body (Workday's POST)
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Detail:
    """One posting's detail request. The spider sends it only when ``title`` could pass the relevance
    filter; when it fails, ``fallback`` (what the list said) lands instead, marked."""

    fetch: Fetch
    board_id: str
    title: str
    fallback: Posting | None = None


@dataclass
class Step:
    """What one response gives: postings (and counts), further pages, and detail requests."""

    page: BoardPage = field(default_factory=BoardPage)
    next: list[Fetch] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)


@dataclass(frozen=True)
class Crawl:
    """What a board's functions see of the crawl: the source, the page size, the response's URL."""

    source: Any  # jobmatch.crawler.sources.Source (not imported: sources imports the boards)
    page_size: int = 100
    url: str = ""

    @property
    def key(self) -> str:
        return self.source.key or ""

    @property
    def company(self) -> str | None:
        return self.source.company_name or self.source.key

    def option(self, name: str) -> str | None:
        return self.source.option(name)

    def api(self, path_and_query: str) -> str:
        """A URL on the board's API host (``base_url`` is applied by the spider)."""
        return self.source.api_host() + path_and_query


@dataclass(frozen=True)
class Handler:
    """A response handler: ``parse(body, crawl, **kwargs) -> Step``; ``body`` says how the spider
    decodes the response first: ``json`` (parsed; an HTML page or broken JSON is a one-line
    failure), ``text`` (str) or ``bytes``."""

    parse: Callable[..., Step]
    body: str = "json"


# The marker a posting carries in ``structured`` when its detail request failed and it landed with
# what the list said (no description).
DETAIL_MISSING = "detail_missing"


@dataclass(frozen=True)
class Board:
    """A board type, declared once."""

    type: str  # the sources file's ``type``
    label: str  # its name in the docs
    endpoint: str  # one line for the docs: the requests a source costs
    start: Callable[[Crawl], Iterable[Fetch]]
    handlers: Mapping[str, Handler]
    key: str | None = None  # the key field (``board``, ``site``, ...); ``urls`` for page lists; None
    key_pattern: str = r"[^/]+"
    key_help: str = "the board's key (a name without '/')"
    host: str | None = None  # the API's scheme and host; may name {key} and options: {tenant}.{instance}
    options: tuple[Option, ...] = ()
    option_hosts: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (option, value) -> host
    url_forms: tuple[UrlForm, ...] = ()
    notes: str = ""  # shown in the docs table
    public: bool = False  # a public remote-job API (no key): the docs list it apart

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)

    def api_host(self, key: str | None, options: Mapping[str, str]) -> str:
        for (name, value), host in self.option_hosts.items():
            if options.get(name) == value:
                return host
        if self.host is None:
            raise ValueError(f"{self.type} sources have no API host (they list page URLs)")
        values = {option.name: option.default or "" for option in self.options}
        values.update(options)
        if self.key:
            values[self.key] = key or ""
        return self.host.format(**values)


def start_with(handler: str, path: str | Callable[[Crawl], str], **kwargs: Any) -> Callable[[Crawl], list[Fetch]]:
    """The usual ``start``: one GET on the API host, answered by ``handler``."""

    def start(crawl: Crawl) -> list[Fetch]:
        target = path(crawl) if callable(path) else path.format(key=crawl.key)
        return [Fetch(crawl.api(target), handler, kwargs)]

    return start


def whole_board(parse: Callable[..., BoardPage]) -> Callable[..., Step]:
    """A handler for a board that answers with every job at once: ``parse(data, source=, company=)``."""

    def handle(data: Any, crawl: Crawl) -> Step:
        return Step(page=parse(data, source=crawl.source.name, company=crawl.company))

    return handle
