"""Jobicy, remote jobs: ``GET https://jobicy.com/api/v2/remote-jobs?count=&industry=&tag=``, one request.

A job: ``id``, ``url``, ``jobSlug``, ``jobTitle``, ``companyName``, ``jobIndustry[]``, ``jobType[]``,
``jobGeo`` ("USA", "Anywhere"), ``jobLevel``, ``jobExcerpt``, ``jobDescription`` (HTML), ``pubDate``,
``salaryMin``, ``salaryMax``, ``salaryCurrency``, ``salaryPeriod``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jobmatch.crawler.boards.base import Board, Handler, Option, UrlForm, start_with, whole_board
from jobmatch.crawler.boards.fields import (
    BoardPage,
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

COUNT = 100  # the most one request returns


def jobs_path(industry: str | None = None, tag: str | None = None, geo: str | None = None) -> str:
    query = {"count": COUNT, **{k: v for k, v in (("industry", industry), ("tag", tag), ("geo", geo)) if v}}
    return f"/api/v2/remote-jobs?{urlencode(query)}"


def parse_jobs(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    page = BoardPage()
    for job in require_list(data, "jobs", "jobicy"):
        page.add(parse_job(job, source=source))
    return page


def parse_job(job: Any, *, source: str) -> Posting | None:
    if not isinstance(job, dict):
        return None
    title = one_line(job.get("jobTitle"))
    job_id = identifier(job.get("id")) or identifier(job.get("jobSlug"))
    if not title or not job_id:
        return None
    low, high = number(job.get("salaryMin")), number(job.get("salaryMax"))
    level = one_line(job.get("jobLevel"))
    return Posting(
        title=title,
        description=description_text(job.get("jobDescription")) or description_text(job.get("jobExcerpt")),
        source=source,
        source_id=job_id,
        url=identifier(job.get("url")),
        company=one_line(job.get("companyName")),
        locations=unique([one_line(x) for x in as_list(job.get("jobGeo"))]),
        remote=True,
        salary_min=low, salary_max=high,
        salary_currency=identifier(job.get("salaryCurrency")) if low or high else None,
        salary_period=(salary_period(job.get("salaryPeriod")) or "year") if low or high else None,
        employment_type=employment_type(job.get("jobType")),
        seniority=seniority_from_title(title) or (level.lower() if level and level.lower() != "any" else None),
        posted_at=iso_datetime(job.get("pubDate")),
    )


BOARD = Board(
    type="jobicy", label="Jobicy", host="https://jobicy.com", public=True,
    options=(Option("industry", "an industry slug, e.g. dev or data-science"), Option("tag", "a search tag"),
             Option("geo", "a region slug, e.g. europe")),
    endpoint="GET /api/v2/remote-jobs?count=100[&industry=&tag=&geo=]: one request",
    start=start_with("parse_jobs", lambda crawl: jobs_path(crawl.option("industry"), crawl.option("tag"),
                                                           crawl.option("geo"))),
    handlers={"parse_jobs": Handler(whole_board(parse_jobs))},
    url_forms=(UrlForm("https://jobicy.com", r"(?:www\.)?jobicy\.com", "https://jobicy.com/"),),
    notes="every job remote",
)
