"""Ashby boards: one request returns the whole board, compensation included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import ashby
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class AshbySpider(BoardSpider):
    name = "ashby"
    board_type = "ashby"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        yield self.fetch(source, source.api_url(ashby.board_path(source.key or "")), "parse_board")

    def parse_board(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        page = ashby.parse_board(self.read_json(response), source=source.name,
                                 company=source.company_name or source.key)
        yield from self.keep(source, page)
