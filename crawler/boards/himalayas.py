"""Himalayas, remote jobs: ``GET https://himalayas.app/jobs/api?limit=&offset=`` (browse, paged by
``offset``/``totalCount``) or ``GET /jobs/api/search?q=`` (with the ``search`` option: one request).

A job: ``title``, ``excerpt``, ``companyName``, ``employmentType``, ``minSalary``, ``maxSalary``,
``currency``, ``salaryPeriod``, ``seniority[]``, ``locationRestrictions[]`` (countries),
``categories[]``, ``description`` (HTML), ``pubDate``, ``applicationLink``, ``guid``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Option, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardPage,
    as_dict,
    as_list,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    number,
    one_line,
    require_list,
    salary_period,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

PAGE_LIMIT = 20  # the browse API's page size


def browse_path(offset: int, limit: int = PAGE_LIMIT) -> str:
    return f"/jobs/api?{urlencode({'limit': limit, 'offset': offset})}"


def search_path(query: str) -> str:
    return f"/jobs/api/search?{urlencode({'q': query})}"


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    for job in require_list(data, "jobs", "himalayas"):
        page.add(parse_job(job, source=source))
    total = as_dict(data).get("totalCount")
    page.total = total if isinstance(total, int) and not isinstance(total, bool) else None
    return page


def parse_job(job: Any, *, source: str) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("title"))
    guid = identifier(job.get("guid"))
    link = identifier(job.get("applicationLink"))
    if not title or not (guid or link):
        return None
    seniority = [one_line(x) for x in as_list(job.get("seniority"))]
    categories = [one_line(x) for x in as_list(job.get("categories"))]
    description = description_text(job.get("description")) or description_text(job.get("excerpt"))
    low, high = number(job.get("minSalary")), number(job.get("maxSalary"))
    return Posting(
        title=title,
        description=description,
        source=source,
        source_id=guid if guid and not guid.startswith("http") else None,  # a URL guid: the id comes from the URL
        url=guid if guid and guid.startswith("http") else link,
        company=one_line(job.get("companyName")),
        locations=unique([one_line(x) for x in as_list(job.get("locationRestrictions"))]),
        remote=True,
        salary_min=low, salary_max=high,
        salary_currency=identifier(job.get("currency")) if low or high else None,
        salary_period=(salary_period(job.get("salaryPeriod")) or "year") if low or high else None,
        employment_type=employment_type(job.get("employmentType")),
        seniority=seniority_from_title(title) or next((s.lower() for s in seniority if s), None),
        posted_at=iso_datetime(job.get("pubDate")),
        structured={"categories": [c for c in categories if c]} if any(categories) else {},
    )


def _start(crawl: Crawl) -> list[Fetch]:
    query = crawl.option("search")
    if query:
        return [Fetch(crawl.api(search_path(query)), "parse_page", {"offset": None})]
    return [_browse(crawl, 0)]


def _browse(crawl: Crawl, offset: int) -> Fetch:
    return Fetch(crawl.api(browse_path(offset, min(crawl.page_size, PAGE_LIMIT))), "parse_page", {"offset": offset})


def _parse_page(data: Any, crawl: Crawl, offset: int | None = 0) -> Step:
    page = parse_jobs(data, source=crawl.source.name)
    step = Step(page=page)
    if offset is not None and page.entries and page.total is not None:
        following = offset + min(crawl.page_size, PAGE_LIMIT)
        if following < page.total:
            step.next.append(_browse(crawl, following))
    return step


BOARD = Board(
    type="himalayas", label="Himalayas", host="https://himalayas.app", public=True,
    options=(Option("search", "a search term (one request) instead of browsing every page"),),
    endpoint="GET /jobs/api?limit=&offset= (pages of 20), or /jobs/api/search?q= with search",
    start=_start,
    handlers={"parse_page": Handler(_parse_page)},
    url_forms=(UrlForm("https://himalayas.app/jobs", r"(?:www\.)?himalayas\.app", "https://himalayas.app/jobs"),),
    notes="every job remote; browsing stops at JOBMATCH_MAX_PAGES: prefer search",
)
