"""Arbeitnow's job board API: paged through ``links.next`` (moved to ``base_url`` when one is set)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import arbeitnow
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class ArbeitnowSpider(BoardSpider):
    name = "arbeitnow"
    board_type = "arbeitnow"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        yield self.fetch(source, source.api_url(arbeitnow.API_PATH), "parse_page")

    def parse_page(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        page = arbeitnow.parse_page(self.read_json(response), source=source.name)
        yield from self.keep(source, page)
        if page.next_url and page.entries and self.may_fetch_page(source):
            yield self.fetch(source, source.page_url(page.next_url), "parse_page")
