"""Retries with exponential backoff: Scrapy's RetryMiddleware sends a retry at once; this one
waits JOBMATCH_RETRY_BACKOFF seconds, doubled for each later retry, before handing it back.
"""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater


class BackoffRetryMiddleware(RetryMiddleware):
    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.backoff = crawler.settings.getfloat("JOBMATCH_RETRY_BACKOFF", 2.0)
        middleware.backoff_max = crawler.settings.getfloat("JOBMATCH_RETRY_BACKOFF_MAX", 60.0)
        return middleware

    async def process_response(self, request: scrapy.Request, response: Any, spider: Any = None) -> Any:
        result = super().process_response(request, response)
        if isinstance(result, scrapy.Request):
            await self._wait(result)
        return result

    async def process_exception(self, request: scrapy.Request, exception: Exception, spider: Any = None) -> Any:
        result = super().process_exception(request, exception)
        if isinstance(result, scrapy.Request):
            await self._wait(result)
        return result

    async def _wait(self, retry: scrapy.Request) -> None:
        attempt = max(int(retry.meta.get("retry_times", 1)), 1)
        delay = min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
        if delay > 0:
            from twisted.internet import reactor  # the one Scrapy installed, imported only once it runs

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
