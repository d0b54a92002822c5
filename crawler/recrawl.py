"""Polite nightly re-crawls: Scrapy's HTTP cache, revalidated every night.

``jobmatch crawl`` keeps each board's last response (``<store>.http-cache`` beside the store) with
its ``ETag`` and ``Last-Modified``, and asks the next night with ``If-None-Match`` /
``If-Modified-Since``: an unchanged board answers ``304 Not Modified`` with no body, and the crawl
parses the kept copy (so its postings are seen, and nothing is closed by mistake). Boards that send
no validators are fetched in full, as before; that is what makes the cache per board.

``NightlyPolicy`` is RFC 2616's policy with two changes for a crawl that runs once a night:

- no heuristic freshness: a response without ``Cache-Control: max-age`` or ``Expires`` is
  revalidated every time (Firefox's "a tenth of the age since Last-Modified" would skip a board
  for days);
- a 5xx never stands in for the board: the failure is reported (the kept copy may be older than
  what the store holds, and closing from it would close live jobs).

Entries older than ``HTTPCACHE_EXPIRATION_SECS`` (30 days) are fetched afresh. ``-s
HTTPCACHE_ENABLED=False`` turns it off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.utils.httpobj import urlparse_cached

CACHE_DAYS = 30


class NightlyPolicy(RFC2616Policy):
    def _compute_freshness_lifetime(self, response: Any, request: Any, now: float) -> float:
        cc = self._parse_cachecontrol(response)
        if self._get_max_age(cc) is not None or b"Expires" in response.headers:
            return super()._compute_freshness_lifetime(response, request, now)
        return 0  # no explicit lifetime: revalidate

    def is_cached_response_valid(self, cachedresponse: Any, response: Any, request: Any) -> bool:
        return response.status == 304

    def should_cache_request(self, request: Any) -> bool:
        return urlparse_cached(request).scheme in ("http", "https") and super().should_cache_request(request)


def cache_settings(lock_path: Path) -> dict[str, Any]:
    """The cache's settings for a crawl whose lock file is ``lock_path`` (the cache sits beside it)."""
    name = lock_path.name.removesuffix(".crawl-lock").removesuffix(".lock")
    return {
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "jobmatch.crawler.recrawl.NightlyPolicy",
        "HTTPCACHE_STORAGE": "scrapy.extensions.httpcache.FilesystemCacheStorage",
        "HTTPCACHE_DIR": str(lock_path.with_name(f"{name}.http-cache").absolute()),
        "HTTPCACHE_EXPIRATION_SECS": CACHE_DAYS * 24 * 3600,
        "HTTPCACHE_GZIP": True,
    }
