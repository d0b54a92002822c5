"""Working Nomads, remote jobs: ``GET https://www.workingnomads.com/api/exposed_jobs/``, a bare list.

A job: ``url``, ``title`` (often "Company - Role"), ``description`` (HTML), ``company_name``,
``category_name``, ``tags`` (comma-separated text), ``location``, ``pub_date``. There is no id: the
URL is the posting's identity.
"""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Handler, UrlForm, start_with, whole_board
from jobmatch.crawler.boards.fields import (
    BoardPage,
    description_text,
    identifier,
    iso_datetime,
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting, fold

API_PATH = "/api/exposed_jobs/"


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    for job in require_list(data, None, "workingnomads"):
        page.add(parse_job(job, source=source))
    return page


def role_title(title: str, company: str | None) -> str:
    """ "Acme - ML Engineer" -> "ML Engineer" when Acme is the company."""
    if company and " - " in title:
        head, rest = title.split(" - ", 1)
        if fold(head) == fold(company) and rest.strip():
            return rest.strip()
    return title


def parse_job(job: Any, *, source: str) -> Posting | None:
    if not isinstance(job, dict):
        return None
    company = one_line(job.get("company_name"))
    title = one_line(job.get("title"))
    url = identifier(job.get("url"))
    if not title or not url:
        return None
    tags = job.get("tags")
    skills = [one_line(tag) for tag in tags.split(",")] if isinstance(tags, str) else []
    return Posting(
        title=role_title(title, company),
        description=description_text(job.get("description")),
        source=source,
        url=url,
        company=company,
        locations=unique([one_line(job.get("location"))]),
        remote=True,
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(job.get("pub_date")),
        structured={"skills": [s for s in skills if s]} if any(skills) else {},
    )


BOARD = Board(
    type="workingnomads", label="Working Nomads", host="https://www.workingnomads.com", public=True,
    endpoint="GET /api/exposed_jobs/: one request",
    start=start_with("parse_jobs", API_PATH),
    handlers={"parse_jobs": Handler(whole_board(parse_jobs))},
    url_forms=(UrlForm("https://www.workingnomads.com/jobs", r"(?:www\.)?workingnomads\.com",
                       "https://www.workingnomads.com/jobs"),),
    notes="every job remote; no ids: a posting is known by its URL",
)
