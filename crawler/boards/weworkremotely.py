"""We Work Remotely: a category's RSS feed, ``GET https://weworkremotely.com/categories/remote-{category}-jobs.rss``.

RSS 2.0 through the RSS parser, with the board's own fields: ``title`` is "Company: Role",
``region`` ("Anywhere in the World") the place, ``category``; ``description`` is entity-escaped HTML.
Categories for ML work: programming, devops-sysadmin, full-stack-programming, back-end-programming.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Handler, Option, Step, UrlForm, start_with
from jobmatch.crawler.boards.fields import BoardPage, one_line, seniority_from_title, unique
from jobmatch.crawler.boards.rss import child_text, feed_nodes, rss_item
from jobmatch.crawler.posting import Posting


def feed_path(category: str) -> str:
    return f"/categories/remote-{category}-jobs.rss"


def parse_feed(body: bytes, *, source: str, company: str | None = None) -> BoardPage:
    _, nodes = feed_nodes(body, "weworkremotely")
    page = BoardPage()
    for node in nodes:
        page.add(parse_item(node, source=source))
    return page


def parse_item(node: Any, *, source: str) -> Posting | None:
    posting = rss_item(node, source, None)
    if posting is None:
        return None
    company, title = None, posting.title
    if ": " in posting.title:
        head, rest = posting.title.split(": ", 1)
        if rest.strip():
            company, title = head.strip(), rest.strip()
    region = one_line(child_text(node, "region"))
    guid = posting.source_id
    return dataclasses.replace(posting, id=None, source_id=None if guid and guid.startswith("http") else guid,
                               title=title, company=company, locations=unique([region]),
                               remote=True, seniority=seniority_from_title(title))


def _parse_feed(body: bytes, crawl: Crawl) -> Step:
    return Step(page=parse_feed(body, source=crawl.source.name))


BOARD = Board(
    type="weworkremotely", label="We Work Remotely", host="https://weworkremotely.com", public=True,
    options=(Option("category", "the feed's category", default="programming", pattern=r"[a-z0-9-]+",
                    pattern_help="a category slug such as programming or devops-sysadmin"),),
    endpoint="GET /categories/remote-{category}-jobs.rss: one request (RSS)",
    start=start_with("parse_feed", lambda crawl: feed_path(crawl.option("category") or "programming")),
    handlers={"parse_feed": Handler(_parse_feed, body="bytes")},
    url_forms=(
        UrlForm("https://weworkremotely.com/categories/remote-{category}-jobs[.rss]",
                r"(?:www\.)?weworkremotely\.com/categories/remote-(?P<category>[a-z0-9-]+?)-jobs(?:\.rss)?",
                "https://weworkremotely.com/categories/remote-programming-jobs.rss",
                also=("https://weworkremotely.com/categories/remote-devops-sysadmin-jobs",)),
        UrlForm("https://weworkremotely.com", r"(?:www\.)?weworkremotely\.com", "https://weworkremotely.com/"),
    ),
    notes="every job remote; one source per category (give each a name)",
)
