"""Arbeitnow's job board API: ``GET /api/job-board-api``, paged through ``links.next``."""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Step, UrlForm, start_with
from jobmatch.crawler.boards.fields import (
    BoardPage,
    as_dict,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    mentions_remote,
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

API_PATH = "/api/job-board-api"


def parse_page(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    for job in require_list(data, "data", "arbeitnow"):
        page.add(parse_job(job, source=source))
    next_url = as_dict(as_dict(data).get("links")).get("next")
    page.next_url = next_url if isinstance(next_url, str) and next_url.strip() else None
    return page


def parse_job(job: Any, *, source: str) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("title"))
    slug = identifier(job.get("slug"))
    if not title or not slug:
        return None
    location = one_line(job.get("location"))
    remote = job.get("remote")
    return Posting(
        title=title,
        description=description_text(job.get("description")),
        source=source,
        source_id=slug,
        url=identifier(job.get("url")),
        company=one_line(job.get("company_name")),
        locations=unique([location]),
        remote=remote if isinstance(remote, bool) else mentions_remote(location),
        employment_type=employment_type(job.get("job_types")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(job.get("created_at")),
    )


def _parse_page(data: Any, crawl: Crawl) -> Step:
    """Paged through ``links.next`` (moved to ``base_url`` by the spider)."""
    page = parse_page(data, source=crawl.source.name)
    return Step(page=page, next=[Fetch(page.next_url, "parse_page")] if page.next_url and page.entries else [])


BOARD = Board(
    type="arbeitnow", label="Arbeitnow", host="https://www.arbeitnow.com", public=True,
    endpoint="GET /api/job-board-api: pages through links.next",
    start=start_with("parse_page", API_PATH),
    handlers={"parse_page": Handler(_parse_page)},
    url_forms=(UrlForm("https://www.arbeitnow.com", r"(?:www\.)?arbeitnow\.com", "https://www.arbeitnow.com/"),),
)
