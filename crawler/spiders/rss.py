"""RSS and Atom feeds of job ads: one request per feed URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import rss
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class RssSpider(BoardSpider):
    name = "rss"
    board_type = "rss"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        for url in source.urls:
            yield self.fetch(source, source.page_url(url), "parse_feed", feed_url=url)

    def parse_feed(self, response: scrapy.http.Response, source: Source, feed_url: str) -> Iterator[Any]:
        page = rss.parse_feed(response.body, feed_url=feed_url, source=source.name, company=source.company_name)
        yield from self.keep(source, page)
