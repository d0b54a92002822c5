"""Workday career sites: the JSON endpoint their own pages call.

``POST /wday/cxs/{tenant}/{site}/jobs`` with ``{"appliedFacets": {}, "limit": 20, "offset": N,
"searchText": ""}`` lists summaries (``total``, ``jobPostings[{title, externalPath, locationsText,
postedOn, bulletFields}]``) 20 at a time; the description is only in each posting's detail,
``GET /wday/cxs/{tenant}/{site}{externalPath}`` (``jobPostingInfo``). The careers site is
``https://{tenant}.wdN.myworkdayjobs.com[/{locale}]/{site}``.

Workday gives ``total`` on the first page only (later pages may say 0), so it is carried along.
Some large employers put a bot check in front: a 403 or an HTML page is a failure of the source,
never an empty board.
"""

from __future__ import annotations

import re
from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Detail, Fetch, Handler, Option, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
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

PAGE_LIMIT = 20  # Workday answers at most 20 a page
CAREERS_HOST = "https://{tenant}.{instance}.myworkdayjobs.com"


def jobs_path(tenant: str, site: str) -> str:
    return f"/wday/cxs/{tenant}/{site}/jobs"


def list_body(offset: int, limit: int = PAGE_LIMIT, search: str | None = None) -> dict[str, Any]:
    return {"appliedFacets": {}, "limit": limit, "offset": offset, "searchText": search or ""}


def board_id(summary: dict[str, Any]) -> str | None:
    """The requisition id (``bulletFields[0]``), else the id at the end of ``externalPath``
    (``.../Machine-Learning-Engineer_JR-1234``), else the path itself."""
    bullets = [identifier(b) for b in as_list(summary.get("bulletFields"))]
    if bullets and bullets[0] and re.fullmatch(r"[\w.-]{2,64}", bullets[0]):
        return bullets[0]
    path = identifier(summary.get("externalPath"))
    if not path:
        return None
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return tail.rsplit("_", 1)[1] if "_" in tail and tail.rsplit("_", 1)[1] else path


def _careers_url(crawl: Crawl, external_path: str) -> str:
    host = CAREERS_HOST.format(tenant=crawl.key, instance=crawl.option("instance"))
    return f"{host}/{crawl.option('site')}{external_path}"


def parse_summary(summary: Any, crawl: Crawl) -> Posting | None:
    """What the list says of a posting: title, place, link (no description)."""
    if not isinstance(summary, dict):
        return None
    title = one_line(summary.get("title"))
    path = identifier(summary.get("externalPath"))
    ident = board_id(summary)
    if not title or not path or not ident:
        return None
    place = one_line(summary.get("locationsText"))
    if place and re.fullmatch(r"\d+\s+locations?", place, re.I):
        place = None  # "3 Locations": the detail names them
    return Posting(title=title, source=crawl.source.name, source_id=ident, url=_careers_url(crawl, path),
                   company=crawl.source.company_name or crawl.key, locations=unique([place]),
                   remote=mentions_remote(place), seniority=seniority_from_title(title))


def parse_detail(data: Any, crawl: Crawl, ident: str, url: str | None = None) -> Posting | None:
    """A posting from its detail response; ``ident`` is the id the list gave it, ``url`` its link there."""
    info = as_dict(data).get("jobPostingInfo") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        raise BoardFormatError("workday: expected a JSON object with 'jobPostingInfo'")
    title = one_line(info.get("title"))
    if not title:
        return None
    locations = unique([one_line(info.get("location"))]
                       + [one_line(x) for x in as_list(info.get("additionalLocations"))])
    remote_type = one_line(info.get("remoteType"))
    organization = one_line(as_dict(as_dict(data).get("hiringOrganization")).get("name"))
    return Posting(
        title=title,
        description=description_text(info.get("jobDescription")),
        source=crawl.source.name,
        source_id=ident,
        url=identifier(info.get("externalUrl")) or url,
        company=crawl.source.company_name or organization or crawl.key,
        locations=locations,
        remote=True if remote_type and "remote" in remote_type.lower() and "hybrid" not in remote_type.lower()
        else mentions_remote(*locations),
        employment_type=employment_type(info.get("timeType")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(info.get("startDate")),
    )


def _list(crawl: Crawl, offset: int, total: int | None = None) -> Fetch:
    limit = max(1, min(crawl.page_size, PAGE_LIMIT))
    return Fetch(crawl.api(jobs_path(crawl.key, crawl.option("site") or "")), "parse_list",
                 {"offset": offset, "total": total}, json=list_body(offset, limit, crawl.option("search")))


def _parse_list(data: Any, crawl: Crawl, offset: int = 0, total: int | None = None) -> Step:
    items = require_list(data, "jobPostings", "workday")
    reported = as_dict(data).get("total")
    if isinstance(reported, int) and not isinstance(reported, bool) and (offset == 0 or reported > 0):
        total = reported
    step = Step(page=BoardPage(entries=len(items), total=total))
    for item in items:
        fallback = parse_summary(item, crawl)
        if fallback is None:
            step.page.dropped += 1
            continue
        path = identifier(item.get("externalPath")) or ""
        step.details.append(Detail(
            Fetch(crawl.api(f"/wday/cxs/{crawl.key}/{crawl.option('site')}{path}"), "parse_detail",
                  {"ident": fallback.source_id, "url": fallback.url}),
            fallback.source_id or "", fallback.title, fallback))
    limit = max(1, min(crawl.page_size, PAGE_LIMIT))
    if items and total is not None and offset + limit < total:
        step.next.append(_list(crawl, offset + limit, total))
    return step


def _parse_detail(data: Any, crawl: Crawl, ident: str, url: str | None = None) -> Step:
    posting = parse_detail(data, crawl, ident, url)
    return Step(page=BoardPage(postings=[posting] if posting else [], dropped=0 if posting else 1))


BOARD = Board(
    type="workday", label="Workday", key="tenant", host=CAREERS_HOST,
    key_pattern=r"[A-Za-z0-9][A-Za-z0-9-]*", key_help="the tenant, the first label of the careers host",
    options=(
        Option("instance", "the wdN of the careers host", required=True, pattern=r"wd\d{1,3}",
               pattern_help="wd followed by a number, such as wd5"),
        Option("site", "the careers site, the path after the host (and locale)", required=True,
               pattern=r"[\w.-]+", pattern_help="a site name such as External"),
        Option("search", "Workday's search text, to narrow a large site"),
    ),
    endpoint="POST /wday/cxs/{tenant}/{site}/jobs (pages of 20), then GET /wday/cxs/{tenant}/{site}"
             "{externalPath} per posting whose title could be kept",
    start=lambda crawl: [_list(crawl, 0)],
    handlers={"parse_list": Handler(_parse_list), "parse_detail": Handler(_parse_detail)},
    url_forms=(
        UrlForm("https://{tenant}.wdN.myworkdayjobs.com[/{locale}]/{site}",
                r"(?P<tenant>[a-z0-9-]+)\.(?P<instance>wd\d+)\.myworkdayjobs\.com/(?:[a-z]{2}-[a-z]{2}/)?"
                r"(?!wday/)(?P<site>[\w.-]+)",
                "https://acme.wd5.myworkdayjobs.com/External",
                also=("https://acme.wd1.myworkdayjobs.com/en-US/Acme_Careers/job/Berlin/ML-Engineer_JR-1",)),
        UrlForm("https://{tenant}.wdN.myworkdayjobs.com/wday/cxs/{tenant}/{site}/jobs",
                r"(?P<tenant>[a-z0-9-]+)\.(?P<instance>wd\d+)\.myworkdayjobs\.com/wday/cxs/[\w-]+/(?P<site>[\w.-]+)",
                "https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs"),
    ),
    notes="a 403 or an HTML page (a bot check) fails the source; a failed detail lands the list's posting, "
          "marked",
)
