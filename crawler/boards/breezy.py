"""Breezy HR career sites: ``GET https://{company}.breezy.hr/json``, a bare list of summaries.

A summary: ``id``, ``friendly_id``, ``name`` (the title), ``url`` (the posting page),
``published_date``, ``type{name}``, ``location{city, country{name}, state{name}, is_remote, name}``,
``locations[]``, ``department``, ``salary`` (text), ``company{name}``. The list has no description:
each posting page whose title could be kept is fetched for its schema.org JobPosting.
"""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards import jsonld
from jobmatch.crawler.boards.base import Board, Crawl, Detail, Fetch, Handler, Step, UrlForm, start_with
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    BoardPage,
    as_dict,
    as_list,
    employment_type,
    identifier,
    iso_datetime,
    mentions_remote,
    one_line,
    require_list,
    salary_from_text,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

API_PATH = "/json"


def _place(location: Any) -> str | None:
    location = as_dict(location)
    name = one_line(location.get("name"))
    if name:
        return name
    parts = [one_line(location.get("city")), one_line(as_dict(location.get("state")).get("name")),
             one_line(as_dict(location.get("country")).get("name"))]
    return ", ".join(p for p in parts if p) or None


def parse_summary(item: Any, *, source: str, company: str | None = None, description: str = "") -> Posting | None:
    if not isinstance(item, dict):
        return None
    title = one_line(item.get("name"))
    job_id = identifier(item.get("id")) or identifier(item.get("friendly_id"))
    if not title or not job_id:
        return None
    locations = unique([_place(x) for x in as_list(item.get("locations"))] or [_place(item.get("location"))])
    is_remote = as_dict(item.get("location")).get("is_remote")
    low, high, currency, period = salary_from_text(item.get("salary"))
    return Posting(
        title=title,
        description=description,
        source=source,
        source_id=job_id,
        url=identifier(item.get("url")),
        company=one_line(as_dict(item.get("company")).get("name")) or company,
        locations=locations,
        remote=is_remote if isinstance(is_remote, bool) else mentions_remote(*locations),
        salary_min=low, salary_max=high, salary_currency=currency, salary_period=period,
        employment_type=employment_type(as_dict(item.get("type")).get("name")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(item.get("published_date")),
    )


def _parse_list(data: Any, crawl: Crawl) -> Step:
    items = require_list(data, None, "breezy")
    step = Step(page=BoardPage(entries=len(items)))
    for item in items:
        posting = parse_summary(item, source=crawl.source.name, company=crawl.company)
        if posting is None:
            step.page.dropped += 1
        elif not posting.url:  # no page to read the description from: what the list says
            step.page.postings.append(posting)
        else:
            step.details.append(Detail(Fetch(posting.url, "parse_posting_page", {"summary": item}),
                                       posting.source_id or "", posting.title, posting))
    return step


def _parse_posting_page(html: str, crawl: Crawl, summary: dict[str, Any]) -> Step:
    """The posting page's JobPosting gives the description; the rest comes from the list."""
    page = jsonld.parse_page(html, page_url=crawl.url, source=crawl.source.name)
    if not page.postings:
        raise BoardFormatError("breezy: no schema.org JobPosting on the posting page")
    found = page.postings[0]
    posting = parse_summary(summary, source=crawl.source.name, company=crawl.company, description=found.description)
    return Step(page=BoardPage(postings=[posting] if posting else [], dropped=0 if posting else 1))


BOARD = Board(
    type="breezy", label="Breezy HR", key="company", host="https://{company}.breezy.hr",
    key_pattern=r"[A-Za-z0-9][A-Za-z0-9-]*", key_help="the company, the first label of its breezy.hr host",
    endpoint="GET /json (the list), then each posting page whose title could be kept, for its JobPosting",
    start=start_with("parse_list", API_PATH),
    handlers={"parse_list": Handler(_parse_list), "parse_posting_page": Handler(_parse_posting_page, body="text")},
    url_forms=(UrlForm("https://{company}.breezy.hr", r"(?!www\.|app\.)(?P<company>[a-z0-9-]+)\.breezy\.hr",
                       "https://acme.breezy.hr", also=("https://acme.breezy.hr/p/1a2b3c-ml-engineer",)),),
)
