"""Scrapy settings for the jobmatch crawl: polite by default.

``jobmatch crawl`` uses this module; so does plain Scrapy
(``SCRAPY_SETTINGS_MODULE=jobmatch.crawler.settings scrapy crawl greenhouse -a sources=FILE``).
Our own settings start with ``JOBMATCH_``. Override any of them with ``jobmatch crawl -s NAME=VALUE``.
"""

from __future__ import annotations

import os

BOT_NAME = "jobmatch"
SPIDER_MODULES = ["jobmatch.crawler.spiders"]
NEWSPIDER_MODULE = "jobmatch.crawler.spiders"

# Who we are. Operators running a shared nightly crawl set JOBMATCH_CONTACT_URL to a page that says
# who runs it and how to reach them (docs/nightly.md).
# The project has no public home yet: the default says so rather than borrow someone else's address.
JOBMATCH_CONTACT_URL = os.environ.get("JOBMATCH_CONTACT_URL", "https://example.org/set-JOBMATCH_CONTACT_URL")
USER_AGENT = f"jobmatch/0.1 (job-search tool; +{JOBMATCH_CONTACT_URL})"

# Polite: robots.txt, few requests per host, AutoThrottle adapting to the host's latency.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Robust: bounded time and size per response, a few retries with exponential backoff.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # a large Greenhouse board with content is a few MB
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
JOBMATCH_RETRY_BACKOFF = 2.0  # seconds before the first retry, doubled for each later one
JOBMATCH_RETRY_BACKOFF_MAX = 60.0
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # plain `scrapy crawl`; `jobmatch crawl` shows WARNING as one-line messages (-v: INFO)  # each failure is reported once per source in the crawl's summary
REDIRECT_MAX_TIMES = 5
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "jobmatch.crawler.middlewares.BackoffRetryMiddleware": 550,
}

ITEM_PIPELINES = {"jobmatch.crawler.pipelines.StorePipeline": 300}
JOBMATCH_STORE = os.environ.get("JOBMATCH_DB")  # else JOBMATCH_HOME/jobmatch.db
JOBMATCH_BATCH_SIZE = 500  # postings per transaction
JOBMATCH_PAGE_SIZE = 100  # Lever and SmartRecruiters page size
JOBMATCH_MAX_PAGES = 50  # per source; a board that pages forever is reported, not followed

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"  # plain `scrapy crawl`; `jobmatch crawl` shows WARNING as one-line messages (-v: INFO)
FEED_EXPORT_ENCODING = "utf-8"
