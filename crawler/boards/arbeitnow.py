"""Arbeitnow's job board API: ``GET /api/job-board-api``, paged through ``links.next``."""

from __future__ import annotations

from typing import Any

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
