"""Greenhouse Job Board API: ``GET /v1/boards/{token}/jobs?content=true``, the whole board at once.

``content`` is HTML escaped into entities (``&lt;p&gt;``): unescaped once, then parsed.
"""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Handler, UrlForm, start_with, whole_board
from jobmatch.crawler.boards.fields import (
    BoardPage,
    as_dict,
    as_list,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    mentions_remote,
    number,
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting, fold


def jobs_path(board: str) -> str:
    return f"/v1/boards/{board}/jobs?content=true"


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    """Every job of one board response."""
    page = BoardPage()
    for job in require_list(data, "jobs", "greenhouse"):
        page.add(parse_job(job, source=source, company=company))
    total = as_dict(as_dict(data).get("meta")).get("total")
    page.total = total if isinstance(total, int) and not isinstance(total, bool) else None
    return page


def parse_job(job: Any, *, source: str, company: str | None = None) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("title"))
    job_id = identifier(job.get("id"))
    if not title or not job_id:
        return None
    location = one_line(as_dict(job.get("location")).get("name"))
    offices = [one_line(as_dict(office).get("location")) or one_line(as_dict(office).get("name"))
               for office in as_list(job.get("offices"))]
    locations = unique([location] if location else offices)
    metadata = {fold(str(as_dict(item).get("name") or "")): as_dict(item).get("value")
                for item in as_list(job.get("metadata"))}
    salary = next((as_dict(r) for r in as_list(job.get("pay_input_ranges")) if isinstance(r, dict)), {})
    low, high = number(salary.get("min_cents")), number(salary.get("max_cents"))
    return Posting(
        title=title,
        description=description_text(job.get("content"), escaped=True),
        source=source,
        source_id=job_id,
        url=identifier(job.get("absolute_url")),
        company=one_line(job.get("company_name")) or company,
        locations=locations,
        remote=mentions_remote(location, *offices),
        salary_min=low / 100 if low else None,
        salary_max=high / 100 if high else None,
        salary_currency=identifier(salary.get("currency_type")),
        salary_period="year" if low or high else None,
        employment_type=employment_type(metadata.get("employment type") or metadata.get("employment")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(job.get("first_published")) or iso_datetime(job.get("updated_at")),
    )


BOARD = Board(
    type="greenhouse", label="Greenhouse", notes="EU-hosted boards (job-boards.eu.greenhouse.io) are read "
    "through the same API", key="board", host="https://boards-api.greenhouse.io",
    endpoint="GET /v1/boards/{board}/jobs?content=true: the whole board, content included",
    start=start_with("parse_board", lambda crawl: jobs_path(crawl.key)),
    handlers={"parse_board": Handler(whole_board(parse_jobs))},
    url_forms=(
        UrlForm("https://boards.greenhouse.io/{board}", r"boards\.greenhouse\.io/(?!embed/)(?P<board>[\w.-]+)",
                "https://boards.greenhouse.io/acme"),
        UrlForm("https://boards.greenhouse.io/embed/job_board?for={board}",
                r"(?:job-)?boards\.greenhouse\.io/embed/job_board\?for=(?P<board>[\w.-]+)",
                "https://boards.greenhouse.io/embed/job_board?for=acme"),
        UrlForm("https://job-boards.greenhouse.io/{board}", r"job-boards\.greenhouse\.io/(?P<board>[\w.-]+)",
                "https://job-boards.greenhouse.io/acme/jobs/4001"),
        UrlForm("https://job-boards.eu.greenhouse.io/{board}",
                r"(?:job-)?boards\.eu\.greenhouse\.io/(?!embed/)(?P<board>[\w.-]+)",
                "https://job-boards.eu.greenhouse.io/acme"),
        UrlForm("https://boards-api.greenhouse.io/v1/boards/{board}/jobs",
                r"boards-api\.greenhouse\.io/v1/boards/(?P<board>[\w.-]+)",
                "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"),
    ),
)
