"""Remotive's public remote-jobs API: one request (optionally narrowed by category or search)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import remotive
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class RemotiveSpider(BoardSpider):
    name = "remotive"
    board_type = "remotive"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        path = remotive.jobs_path(source.options.get("category"), source.options.get("search"))
        yield self.fetch(source, source.api_url(path), "parse_jobs")

    def parse_jobs(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        yield from self.keep(source, remotive.parse_jobs(self.read_json(response), source=source.name))
