"""Scrapy spiders: one per board type, each built from the board's declaration in
``jobmatch.crawler.boards`` (see ``board_spider.spider_for``); the classes live in
``jobmatch.crawler.spiders.boards``, where Scrapy's spider loader finds them by name.

Also runnable as plain Scrapy: ``SCRAPY_SETTINGS_MODULE=jobmatch.crawler.settings scrapy crawl
greenhouse -a sources=sources.yaml``.
"""

from __future__ import annotations

from typing import Any


def spider_class(board_type: str) -> Any:
    from jobmatch.crawler.spiders.boards import SPIDERS

    return SPIDERS[board_type]
