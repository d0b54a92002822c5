"""Ashby Posting API: ``GET /posting-api/job-board/{board}?includeCompensation=true``, whole board."""

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
    salary_period,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting


def board_path(board: str) -> str:
    return f"/posting-api/job-board/{board}?includeCompensation=true"


def parse_board(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    """Every listed job of a board (``isListed: false`` jobs are hidden ones and are left out)."""
    page = BoardPage()
    for job in require_list(data, "jobs", "ashby"):
        if isinstance(job, dict) and job.get("isListed") is False:
            continue
        page.add(parse_job(job, source=source, company=company))
    return page


def parse_job(job: Any, *, source: str, company: str | None = None) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("title"))
    job_id = identifier(job.get("id"))
    if not title or not job_id:
        return None
    locations = unique([one_line(job.get("location"))] + [
        one_line(as_dict(x).get("location")) if isinstance(x, dict) else one_line(x)
        for x in as_list(job.get("secondaryLocations"))])
    workplace = job.get("workplaceType")
    remote: bool | None
    if isinstance(job.get("isRemote"), bool):
        remote = job["isRemote"] or (isinstance(workplace, str) and workplace.lower() == "remote")
    elif isinstance(workplace, str):
        remote = workplace.lower() == "remote"
    else:
        remote = mentions_remote(*locations)
    low, high, currency, period = _salary(job.get("compensation"))
    html = job.get("descriptionHtml")
    description = description_text(html if isinstance(html, str) and html.strip() else job.get("descriptionPlain"))
    return Posting(
        title=title,
        description=description,
        source=source,
        source_id=job_id,
        url=identifier(job.get("jobUrl")) or identifier(job.get("applyUrl")),
        company=company,
        locations=locations,
        remote=remote,
        salary_min=low, salary_max=high, salary_currency=currency, salary_period=period,
        employment_type=employment_type(job.get("employmentType")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(job.get("publishedAt")),
    )


def _salary(compensation: Any) -> tuple[float | None, float | None, str | None, str | None]:
    components = as_list(as_dict(compensation).get("summaryComponents"))
    for component in components:
        component = as_dict(component)
        if str(component.get("compensationType", "")).lower() != "salary":
            continue
        return (number(component.get("minValue")), number(component.get("maxValue")),
                identifier(component.get("currencyCode")), salary_period(component.get("interval")))
    return None, None, None, None


BOARD = Board(
    type="ashby", label="Ashby", key="board", host="https://api.ashbyhq.com",
    endpoint="GET /posting-api/job-board/{board}?includeCompensation=true: the whole board",
    start=start_with("parse_board", lambda crawl: board_path(crawl.key)),
    handlers={"parse_board": Handler(whole_board(parse_board))},
    url_forms=(
        UrlForm("https://jobs.ashbyhq.com/{board}", r"jobs\.ashbyhq\.com/(?P<board>[\w.%-]+)",
                "https://jobs.ashbyhq.com/acme"),
        UrlForm("https://api.ashbyhq.com/posting-api/job-board/{board}",
                r"api\.ashbyhq\.com/posting-api/job-board/(?P<board>[\w.%-]+)",
                "https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true"),
    ),
)
