"""Workable widget API: ``GET /api/v1/widget/accounts/{company}?details=true``, the account's jobs."""

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
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting


def account_path(company: str) -> str:
    return f"/api/v1/widget/accounts/{company}?details=true"


def parse_account(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    account_name = one_line(as_dict(data).get("name"))
    for job in require_list(data, "jobs", "workable"):
        page.add(parse_job(job, source=source, company=account_name or company))
    return page


def _place(item: dict[str, Any]) -> str | None:
    return ", ".join(filter(None, (one_line(item.get(k)) for k in ("city", "region", "state", "country")))) or None


def parse_job(job: Any, *, source: str, company: str | None = None) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("title"))
    job_id = identifier(job.get("shortcode")) or identifier(job.get("code"))
    if not title or not job_id:
        return None
    locations = unique([_place(as_dict(x)) for x in as_list(job.get("locations"))
                        if not as_dict(x).get("hidden")] or [_place(job)])
    telecommuting = job.get("telecommuting")
    return Posting(
        title=title,
        description=description_text(job.get("description")),
        source=source,
        source_id=job_id,
        url=identifier(job.get("url")) or identifier(job.get("shortlink")) or identifier(job.get("application_url")),
        company=company,
        locations=locations,
        remote=telecommuting if isinstance(telecommuting, bool) else mentions_remote(*locations),
        employment_type=employment_type(job.get("employment_type")),
        seniority=seniority_from_title(title) or one_line(job.get("experience")),
        posted_at=iso_datetime(job.get("published_on")) or iso_datetime(job.get("created_at")),
    )


BOARD = Board(
    type="workable", label="Workable", key="company", host="https://apply.workable.com",
    endpoint="GET /api/v1/widget/accounts/{company}?details=true: every job, descriptions included",
    start=start_with("parse_account", lambda crawl: account_path(crawl.key)),
    handlers={"parse_account": Handler(whole_board(parse_account))},
    url_forms=(
        UrlForm("https://apply.workable.com/api/v1/widget/accounts/{company}",
                r"apply\.workable\.com/api/v1/widget/accounts/(?P<company>[\w.-]+)",
                "https://apply.workable.com/api/v1/widget/accounts/acme?details=true"),
        UrlForm("https://apply.workable.com/{company}", r"apply\.workable\.com/(?!api/)(?P<company>[\w.-]+)",
                "https://apply.workable.com/acme/"),
        UrlForm("https://{company}.workable.com", r"(?!www\.|apply\.)(?P<company>[\w-]+)\.workable\.com",
                "https://acme.workable.com"),
    ),
)
