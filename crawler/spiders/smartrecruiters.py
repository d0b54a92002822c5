"""SmartRecruiters companies: a paged list of summaries, then one detail request per posting whose
title could be kept (the description lives only in the detail).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy

from jobmatch.crawler.boards import smartrecruiters
from jobmatch.crawler.boards.fields import BoardPage, identifier, one_line
from jobmatch.crawler.sources import Source
from jobmatch.crawler.spiders.board_spider import BoardSpider


class SmartRecruitersSpider(BoardSpider):
    name = "smartrecruiters"
    board_type = "smartrecruiters"

    def first_requests(self, source: Source) -> Iterator[scrapy.Request]:
        yield self._list_request(source, 0)

    def _list_request(self, source: Source, offset: int) -> scrapy.Request:
        url = source.api_url(smartrecruiters.list_path(source.key or "", offset, self.page_size))
        return self.fetch(source, url, "parse_list")

    def parse_list(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        listing = smartrecruiters.parse_list(self.read_json(response))
        progress = self.progress[source.name]
        progress.entries += listing.entries
        progress.dropped += listing.dropped
        if listing.total is not None:
            progress.total = listing.total
        for summary in listing.summaries:
            board_id = identifier(summary.get("id")) or ""
            if self.relevance is not None and not self.relevance.might_keep(one_line(summary.get("name")) or ""):
                self.skip_unfetched(source, board_id)
                continue
            url = source.api_url(smartrecruiters.detail_path(source.key or "", board_id))
            yield self.fetch(source, url, "parse_detail")
        if listing.next_offset is not None and self.may_fetch_page(source):
            yield self._list_request(source, listing.next_offset)

    def parse_detail(self, response: scrapy.http.Response, source: Source) -> Iterator[Any]:
        posting = smartrecruiters.parse_detail(self.read_json(response), source=source.name,
                                               company=source.company_name or source.key)
        yield from self.keep(source, BoardPage(postings=[posting] if posting else [],
                                               dropped=0 if posting else 1))
