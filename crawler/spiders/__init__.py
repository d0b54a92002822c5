"""Scrapy spiders, one module per board type. Each is thin: it builds the board's requests and hands
the responses to the pure parsers in ``jobmatch.crawler.boards``.

Also runnable as plain Scrapy: ``SCRAPY_SETTINGS_MODULE=jobmatch.crawler.settings scrapy crawl
greenhouse -a sources=sources.yaml``.
"""

from __future__ import annotations

import importlib
from typing import Any

# board type -> (module, class)
SPIDERS: dict[str, tuple[str, str]] = {
    "greenhouse": ("greenhouse", "GreenhouseSpider"),
    "lever": ("lever", "LeverSpider"),
    "ashby": ("ashby", "AshbySpider"),
    "workable": ("workable", "WorkableSpider"),
    "smartrecruiters": ("smartrecruiters", "SmartRecruitersSpider"),
    "remotive": ("remotive", "RemotiveSpider"),
    "remoteok": ("remoteok", "RemoteOkSpider"),
    "arbeitnow": ("arbeitnow", "ArbeitnowSpider"),
    "jsonld": ("jsonld", "JsonLdSpider"),
    "rss": ("rss", "RssSpider"),
}


def spider_class(board_type: str) -> Any:
    module, name = SPIDERS[board_type]
    return getattr(importlib.import_module(f"jobmatch.crawler.spiders.{module}"), name)
