"""Career pages with schema.org JobPosting JSON-LD: one request per listed URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import jsonld
from jobmatch.crawler.boards.fields import BoardFormatError
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class JsonLdSpider(BoardSpider):
    name = "jsonld"
    board_type = "jsonld"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        for url in source.urls:
            yield self.fetch(source, source.page_url(url), "parse_page", page_url=url)

    def parse_page(self, response: scrapy.http.Response, source: Source, page_url: str) -> Iterator[Any]:
        text = response.text if isinstance(response, scrapy.http.TextResponse) else \
            response.body.decode("utf-8", "replace")
        page = jsonld.parse_page(text, page_url=page_url, source=source.name, company=source.company_name)
        if page.entries == 0:
            raise BoardFormatError("no schema.org JobPosting on the page")
        yield from self.keep(source, page)
