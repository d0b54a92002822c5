"""Hacker News "Ask HN: Who is hiring?": the monthly thread through the Algolia API.

``GET https://hn.algolia.com/api/v1/search_by_date?tags=story,author_whoishiring&query=...`` finds
the latest thread (skipped when the source names its ``thread``), then ``GET /api/v1/items/{id}``
gives ``{id, title, children: [{id, text (HN HTML), author, created_at}]}``. Each top-level comment
is one posting; its first line is usually "Company | Role | Place | REMOTE | salary | URL", free
form: what can be read from it is read, the rest is the description. A comment with no pipes is
kept with its first line as the title.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import lxml.html

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Option, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    BoardPage,
    as_dict,
    identifier,
    iso_datetime,
    joined,
    one_line,
    salary_from_text,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.text_cleaning import MAX_DESCRIPTION_CHARS, html_to_text

SEARCH_PATH = "/api/v1/search_by_date?" + urlencode(
    {"tags": "story,author_whoishiring", "query": "who is hiring", "hitsPerPage": 5})
ITEM_URL = "https://news.ycombinator.com/item?id={id}"
MAX_TITLE = 150
_ROLE = re.compile(r"\b(engineer|engineers|scientist|scientists|developer|developers|researcher|architect|"
                   r"programmer|analyst|designer|manager|lead|head|director|intern|ml|ai|sre|devops|cto|"
                   r"founding|staff|principal|senior|junior|roles?|positions?|hiring)\b", re.I)
_REMOTE = re.compile(r"\bremote\b", re.I)
_ONSITE = re.compile(r"\b(onsite|on-site|on site|in[- ]office|hybrid)\b", re.I)
_MONEY = re.compile(r"[$€£]\s?\d|\b\d{2,3}\s?[kK]\b|\b(?:USD|EUR|GBP)\b")
_URL = re.compile(r"https?://\S+")
_EMPLOYMENT = re.compile(r"^(full[- ]?time|part[- ]?time|contract(or)?|intern(ship)?s?|visa|equity)\b", re.I)


def item_path(thread: str) -> str:
    return f"/api/v1/items/{thread}"


def latest_thread(data: Any) -> str:
    """The newest "Who is hiring?" story among the search hits."""
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise BoardFormatError("hackernews: expected a JSON object with a 'hits' list")
    hits = [as_dict(hit) for hit in data["hits"]]
    hits = [hit for hit in hits if "who is hiring" in str(hit.get("title") or "").lower()
            and identifier(hit.get("objectID"))]
    if not hits:
        raise BoardFormatError("hackernews: no 'Who is hiring?' thread in the search results")
    hits.sort(key=lambda hit: str(hit.get("created_at") or ""), reverse=True)
    return identifier(hits[0]["objectID"]) or ""


def parse_thread(data: Any, *, source: str) -> BoardPage:
    if not isinstance(data, dict) or not isinstance(data.get("children"), list):
        raise BoardFormatError("hackernews: expected a JSON object with a 'children' list")
    page = BoardPage()
    for child in data["children"]:
        page.add(parse_comment(child, source=source))
    return page


def _first_line_and_rest(markup: str) -> tuple[str, str, list[str]]:
    """The comment's first paragraph as text, the rest as text, and the links of the first line."""
    markup = markup[: MAX_DESCRIPTION_CHARS * 2]
    head, _, tail = markup.partition("<p>")
    links = []
    try:
        links = [link for link in lxml.html.fragment_fromstring(head, create_parent="div").xpath("//a/@href")
                 if str(link).startswith("http")]
    except (ValueError, lxml.etree.ParserError):
        pass
    return html_to_text(head), html_to_text(tail), [str(link) for link in links]


def parse_comment(child: Any, *, source: str) -> Posting | None:
    if not isinstance(child, dict):
        return None
    comment_id = identifier(child.get("id"))
    text = child.get("text")
    if not comment_id or not isinstance(text, str) or not text.strip():
        return None  # deleted or dead
    first, rest, links = _first_line_and_rest(text)
    first = " ".join(first.split())
    if not first:
        return None
    parts = [part.strip() for part in first.split("|") if part.strip()]
    company = title = None
    places: list[str] = []
    remote: bool | None = None
    salary_text = url = None
    if len(parts) >= 2:
        company = parts[0][:200]
        roles = []
        for part in parts[1:]:
            if _URL.search(part) and url is None:
                url = _URL.search(part).group(0)
            elif _MONEY.search(part) and salary_text is None:
                salary_text = part
            elif _REMOTE.search(part) and not _ROLE.search(part):
                remote = True
                place = _REMOTE.sub("", part).strip(" ,;()-/")
                if place:
                    places.append(place)
            elif _ONSITE.search(part) and not _ROLE.search(part):
                remote = False if remote is None else remote
                place = _ONSITE.sub("", part).strip(" ,;()-/")
                if place:
                    places.append(place)
            elif _EMPLOYMENT.search(part):
                continue
            elif _ROLE.search(part):
                roles.append(part)
            else:
                places.append(part)
        title = ", ".join(roles) if roles else None
    if not title:
        title = first  # no pipe-separated line (or no role in it): keep what there is
    if remote is None and _REMOTE.search(first):
        remote = True
    low, high, currency, period = salary_from_text(salary_text)
    description = joined([first, rest])  # the first line too: company, place, links
    return Posting(
        title=title[:MAX_TITLE],
        description=description,
        source=source,
        source_id=comment_id,
        url=ITEM_URL.format(id=comment_id),
        company=company,
        locations=unique([one_line(place) for place in places])[:5],
        remote=remote,
        salary_min=low, salary_max=high, salary_currency=currency, salary_period=period,
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(child.get("created_at")),
        structured={"links": (links or ([url] if url else []))[:3]} if (links or url) else {},
    )


def _start(crawl: Crawl) -> list[Fetch]:
    thread = crawl.option("thread")
    if thread:
        return [Fetch(crawl.api(item_path(thread)), "parse_thread")]
    return [Fetch(crawl.api(SEARCH_PATH), "parse_search")]


def _parse_search(data: Any, crawl: Crawl) -> Step:
    return Step(next=[Fetch(crawl.api(item_path(latest_thread(data))), "parse_thread")])


def _parse_thread(data: Any, crawl: Crawl) -> Step:
    return Step(page=parse_thread(data, source=crawl.source.name))


BOARD = Board(
    type="hackernews", label='Hacker News "Who is hiring?"', host="https://hn.algolia.com", public=True,
    options=(Option("thread", "the thread's item id (default: the latest thread)", pattern=r"\d{1,12}",
                    pattern_help="an item id (digits)"),),
    endpoint="GET /api/v1/search_by_date (the latest thread, unless thread is set), then /api/v1/items/{thread}",
    start=_start,
    handlers={"parse_search": Handler(_parse_search), "parse_thread": Handler(_parse_thread)},
    url_forms=(
        UrlForm("https://news.ycombinator.com/item?id={thread}",
                r"news\.ycombinator\.com/item\?id=(?P<thread>\d+)", "https://news.ycombinator.com/item?id=46000001"),
        UrlForm("https://hn.algolia.com/api/v1/items/{thread}", r"hn\.algolia\.com/api/v1/items/(?P<thread>\d+)",
                "https://hn.algolia.com/api/v1/items/46000001"),
        UrlForm("https://news.ycombinator.com/jobs (the latest thread)", r"news\.ycombinator\.com(?:/jobs)?",
                "https://news.ycombinator.com/jobs"),
    ),
    notes="each top-level comment a posting, read from its free-form first line",
)
