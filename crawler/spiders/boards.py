"""One spider class per board type, made from the boards' declarations (named as the type, so
``scrapy crawl workday`` works). Nothing here is written by hand: add a board in
``jobmatch.crawler.boards`` and its spider appears."""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards import boards
from jobmatch.crawler.spiders.board_spider import spider_for

SPIDERS: dict[str, Any] = {}
for _board in boards().values():
    _spider = spider_for(_board, __name__)
    SPIDERS[_board.type] = _spider
    globals()[_spider.__name__] = _spider
