"""Workable accounts: one widget request with details returns every job."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import workable
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class WorkableSpider(BoardSpider):
    name = "workable"
    board_type = "workable"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        yield self.fetch(source, source.api_url(workable.account_path(source.key or "")), "parse_account")

    def parse_account(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        page = workable.parse_account(self.read_json(response), source=source.name,
                                      company=source.company_name or source.key)
        yield from self.keep(source, page)
