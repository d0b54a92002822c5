"""RemoteOK's public API: one request; the parser skips the legal notice that opens the list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import remoteok
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class RemoteOkSpider(BoardSpider):
    name = "remoteok"
    board_type = "remoteok"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        yield self.fetch(source, source.api_url(remoteok.API_PATH), "parse_jobs")

    def parse_jobs(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        yield from self.keep(source, remoteok.parse_jobs(self.read_json(response), source=source.name))
