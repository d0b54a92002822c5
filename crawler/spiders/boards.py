"""One spider class per board type, made from the boards' declarations (named as the type, so
``scrapy crawl workday`` works). Nothing here is written by hand: add a board in
``jobmatch.crawler.boards`` and its spider appears."""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards import boards
from jobmatch.crawler.spiders.board_spider import spider_for


def _spiders() -> dict[str, Any]:
    return {board.type: spider_for(board, __name__) for board in boards().values()}


SPIDERS: dict[str, Any] = _spiders()
globals().update({spider.__name__: spider for spider in SPIDERS.values()})  # where Scrapy's loader looks
