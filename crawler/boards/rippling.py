"""Rippling ATS boards: ``GET https://ats.rippling.com/api/v2/board/{board}/jobs?page=&pageSize=``.

``{"items": [{id, name (the title), url, department{name}, locations[{name, city, state, country,
countryCode, workplaceType}], language}], "page", "pageSize", "totalItems", "totalPages"}``. One job
may be listed once per location with the same id: its locations are merged. The list carries no
description, so a posting is kept on its title alone.
"""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardPage,
    as_dict,
    as_list,
    identifier,
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting


def jobs_path(board: str, page: int = 0, size: int = 100) -> str:
    return f"/api/v2/board/{board}/jobs?page={page}&pageSize={size}"


def _place(location: dict[str, Any]) -> str | None:
    return one_line(location.get("name")) or ", ".join(
        filter(None, (one_line(location.get(k)) for k in ("city", "state", "country")))) or None


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    """One page; the same id listed again adds its locations to the first listing."""
    page = BoardPage()
    merged: dict[str, dict[str, Any]] = {}
    for item in require_list(data, "items", "rippling"):
        job_id = identifier(item.get("id")) if isinstance(item, dict) else None
        if job_id is None or not one_line(item.get("name")):
            page.add(None)
        elif job_id in merged:
            merged[job_id]["locations"] += as_list(item.get("locations"))
        else:
            merged[job_id] = {**item, "locations": list(as_list(item.get("locations")))}
    for item in merged.values():
        page.add(parse_job(item, source=source, company=company))
    total = as_dict(data).get("totalItems")
    page.total = total if isinstance(total, int) and not isinstance(total, bool) else None
    return page


def parse_job(item: Any, *, source: str, company: str | None = None) -> Posting | None:
    if not isinstance(item, dict):
        return None
    title = one_line(item.get("name"))
    job_id = identifier(item.get("id"))
    if not title or not job_id:
        return None
    places = [as_dict(x) for x in as_list(item.get("locations"))]
    kinds = {str(x.get("workplaceType") or "").lower() for x in places} - {""}
    return Posting(
        title=title,
        source=source,
        source_id=job_id,
        url=identifier(item.get("url")),
        company=company,
        locations=unique([_place(x) for x in places]),
        remote=(kinds == {"remote"}) if kinds else None,
        seniority=seniority_from_title(title),
    )


def _page(crawl: Crawl, number: int) -> Fetch:
    return Fetch(crawl.api(jobs_path(crawl.key, number, crawl.page_size)), "parse_page", {"number": number})


def _parse_page(data: Any, crawl: Crawl, number: int = 0) -> Step:
    page = parse_jobs(data, source=crawl.source.name, company=crawl.company)
    pages = as_dict(data).get("totalPages")
    more = isinstance(pages, int) and number + 1 < pages and page.entries > 0
    return Step(page=page, next=[_page(crawl, number + 1)] if more else [])


BOARD = Board(
    type="rippling", label="Rippling", key="board", host="https://ats.rippling.com",
    endpoint="GET /api/v2/board/{board}/jobs?page=&pageSize= (pages)",
    start=lambda crawl: [_page(crawl, 0)],
    handlers={"parse_page": Handler(_parse_page)},
    url_forms=(
        UrlForm("https://ats.rippling.com/api/v2/board/{board}/jobs",
                r"ats\.rippling\.com/api/v2/board/(?P<board>[\w.-]+)", "https://ats.rippling.com/api/v2/board/acme/jobs"),
        UrlForm("https://ats.rippling.com/{board}/jobs", r"ats\.rippling\.com/(?!api/)(?P<board>[\w.-]+)",
                "https://ats.rippling.com/acme/jobs"),
    ),
    notes="the list has no description: postings are kept on their title alone",
)
