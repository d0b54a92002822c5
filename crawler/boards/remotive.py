"""Remotive's public API: ``GET /api/remote-jobs`` (optionally ``category``, ``search``). Every job
is remote. Remotive's terms ask for a link back: the posting URL is kept.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jobmatch.crawler.boards.base import Board, Handler, Option, UrlForm, start_with, whole_board
from jobmatch.crawler.boards.fields import (
    BoardPage,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    one_line,
    require_list,
    salary_from_text,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting


def jobs_path(category: str | None = None, search: str | None = None) -> str:
    query = urlencode({k: v for k, v in (("category", category), ("search", search)) if v})
    return "/api/remote-jobs" + (f"?{query}" if query else "")


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    for job in require_list(data, "jobs", "remotive"):
        page.add(parse_job(job, source=source))
    return page


def parse_job(job: Any, *, source: str) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("title"))
    job_id = identifier(job.get("id"))
    if not title or not job_id:
        return None
    low, high, currency, period = salary_from_text(job.get("salary"))
    tags = [one_line(tag) for tag in job.get("tags") or [] if isinstance(tag, str)]
    return Posting(
        title=title,
        description=description_text(job.get("description")),
        source=source,
        source_id=job_id,
        url=identifier(job.get("url")),
        company=one_line(job.get("company_name")),
        locations=unique([one_line(job.get("candidate_required_location"))]),
        remote=True,
        salary_min=low, salary_max=high, salary_currency=currency, salary_period=period,
        employment_type=employment_type(job.get("job_type")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(job.get("publication_date")),
        structured={"skills": [t for t in tags if t]} if any(tags) else {},
    )


BOARD = Board(
    type="remotive", label="Remotive", host="https://remotive.com", public=True,
    options=(Option("category", "one of Remotive's categories, e.g. software-dev"),
             Option("search", "a search term")),
    endpoint="GET /api/remote-jobs[?category=&search=]: one request",
    start=start_with("parse_jobs", lambda crawl: jobs_path(crawl.option("category"), crawl.option("search"))),
    handlers={"parse_jobs": Handler(whole_board(parse_jobs))},
    url_forms=(
        UrlForm("https://remotive.com/api/remote-jobs", r"(?:www\.)?remotive\.com/api/remote-jobs",
                "https://remotive.com/api/remote-jobs"),
        UrlForm("https://remotive.com/remote-jobs/{category}",
                r"(?:www\.)?remotive\.com/remote-jobs/(?P<category>[\w-]+)",
                "https://remotive.com/remote-jobs/software-dev"),
        UrlForm("https://remotive.com", r"(?:www\.)?remotive\.com", "https://remotive.com/"),
    ),
    notes="every job remote; the terms ask for a link back (the URL is kept)",
)
