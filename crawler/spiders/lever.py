"""Lever sites: paged with ``skip`` and ``limit``; a page shorter than the limit is the last."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import lever
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class LeverSpider(BoardSpider):
    name = "lever"
    board_type = "lever"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        yield self._page_request(source, 0)

    def _page_request(self, source: Source, skip: int) -> scrapy.Request:
        url = source.api_url(lever.postings_path(source.key or "", skip, self.page_size))
        return self.fetch(source, url, "parse_page", skip=skip)

    def parse_page(self, response: scrapy.http.Response, source: Source, skip: int) -> Iterator[Any]:
        page = lever.parse_postings(self.read_json(response), source=source.name,
                                    company=source.company_name or source.key)
        yield from self.keep(source, page)
        if page.entries >= self.page_size and self.may_fetch_page(source):
            yield self._page_request(source, skip + self.page_size)
