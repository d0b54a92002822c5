"""RemoteOK's public API: ``GET /api``, a list whose first element is a legal notice, not a job.
Every job is remote; salaries are yearly US dollars. The terms ask for a link back (the URL is kept).
"""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Handler, UrlForm, start_with, whole_board
from jobmatch.crawler.boards.fields import (
    BoardPage,
    description_text,
    identifier,
    iso_datetime,
    number,
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

API_PATH = "/api"


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    for item in require_list(data, None, "remoteok"):
        if isinstance(item, dict) and "legal" in item and not item.get("position"):
            continue  # the notice that opens every response
        page.add(parse_job(item, source=source))
    return page


def parse_job(job: Any, *, source: str) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("position"))
    job_id = identifier(job.get("id"))
    if not title or not job_id:
        return None
    low, high = number(job.get("salary_min")), number(job.get("salary_max"))
    tags = [one_line(tag) for tag in job.get("tags") or [] if isinstance(tag, str)]
    return Posting(
        title=title,
        description=description_text(job.get("description")),
        source=source,
        source_id=job_id,
        url=identifier(job.get("url")) or identifier(job.get("apply_url")),
        company=one_line(job.get("company")),
        locations=unique([one_line(job.get("location"))]),
        remote=True,
        salary_min=low, salary_max=high,
        salary_currency="USD" if low or high else None,
        salary_period="year" if low or high else None,
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(job.get("date")) or iso_datetime(job.get("epoch")),
        structured={"skills": [t for t in tags if t]} if any(tags) else {},
    )


BOARD = Board(
    type="remoteok", label="RemoteOK", host="https://remoteok.com", public=True,
    endpoint="GET /api: one request",
    start=start_with("parse_jobs", API_PATH),
    handlers={"parse_jobs": Handler(whole_board(parse_jobs))},
    url_forms=(UrlForm("https://remoteok.com", r"(?:www\.)?remoteok\.(?:com|io)", "https://remoteok.com/"),),
    notes="every job remote; the terms ask for a link back (the URL is kept)",
)
