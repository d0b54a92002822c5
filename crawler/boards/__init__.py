"""The boards jobmatch reads: one module each, ending with its ``BOARD`` declaration.

Each module holds the board's pure parsers (a decoded response in, ``Posting`` objects out: no
Scrapy, no I/O, so every parser is tested on fixture files alone) and what the board is (see
``base.Board``). ``boards()`` lists them in this order; the sources file, the spiders,
``jobmatch sources add`` and ``docs/sources.md`` all derive from it.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from jobmatch.crawler.boards.base import Board

# The order is the order of URL recognition (first match wins) and of the docs table.
MODULES = (
    "greenhouse", "lever", "ashby", "workable", "smartrecruiters", "workday", "recruitee", "breezy",
    "rippling", "personio", "teamtailor",
    "remotive", "remoteok", "arbeitnow", "himalayas", "jobicy", "workingnomads", "weworkremotely",
    "hackernews",
    "jsonld", "rss",
)


@cache
def boards() -> dict[str, Board]:
    """Every board type, by its ``type``."""
    found: dict[str, Board] = {}
    for name in MODULES:
        board = importlib.import_module(f"jobmatch.crawler.boards.{name}").BOARD
        found[board.type] = board
    return found


def board(board_type: str) -> Board:
    return boards()[board_type]


def recognise_url(url: str) -> tuple[Board, dict[str, Any]] | None:
    """The board and source fields a careers-page or API URL names; None when no board knows it."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    target = parts.hostname.lower() + parts.path.rstrip("/")
    if parts.query:
        target += "?" + parts.query
    for candidate in boards().values():
        for form in candidate.url_forms:
            fields = form.match(target)
            if fields is not None:
                if candidate.key == "urls":  # a page or feed: the URL itself is the source
                    return candidate, {**fields, "urls": [url.strip()]}
                return candidate, fields
    return None
