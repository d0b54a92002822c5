"""SmartRecruiters Posting API: a paged list (``offset``, ``limit``, ``totalFound``) of summaries,
then one detail request per posting for its description (``jobAd.sections``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Detail, Fetch, Handler, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    BoardPage,
    as_dict,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    joined,
    one_line,
    require_list,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

PAGE_SIZE = 100
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


def list_path(company: str, offset: int = 0, limit: int = PAGE_SIZE) -> str:
    return f"/v1/companies/{company}/postings?limit={limit}&offset={offset}"


def detail_path(company: str, posting_id: str) -> str:
    return f"/v1/companies/{company}/postings/{posting_id}"


@dataclass
class PostingList:
    """One page of the list: the summaries (id and title), how many were unreadable, the total."""

    summaries: list[dict[str, Any]]
    entries: int
    dropped: int
    total: int | None
    next_offset: int | None


def parse_list(data: Any) -> PostingList:
    items = require_list(data, "content", "smartrecruiters")
    summaries = [item for item in items
                 if isinstance(item, dict) and identifier(item.get("id")) and one_line(item.get("name"))]
    body = as_dict(data)
    total = body.get("totalFound")
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    offset = body.get("offset") if isinstance(body.get("offset"), int) else 0
    limit = body.get("limit") if isinstance(body.get("limit"), int) and body.get("limit") > 0 else len(items)
    next_offset = offset + limit if total is not None and items and offset + limit < total else None
    return PostingList(summaries, len(items), len(items) - len(summaries), total, next_offset)


def parse_detail(data: Any, *, source: str, company: str | None = None) -> Posting | None:
    """One posting from its detail response; None when it has no id or title."""
    if not isinstance(data, dict):
        raise BoardFormatError("smartrecruiters: expected a JSON object for a posting")
    title = one_line(data.get("name"))
    posting_id = identifier(data.get("id"))
    if not title or not posting_id:
        return None
    location = as_dict(data.get("location"))
    place = one_line(location.get("fullLocation")) or ", ".join(
        filter(None, (one_line(location.get(k)) for k in ("city", "region", "country")))) or None
    sections = as_dict(as_dict(data.get("jobAd")).get("sections"))
    parts = []
    for name in SECTIONS:
        section = as_dict(sections.get(name))
        text = description_text(section.get("text"))
        if text:
            parts.append("\n".join(filter(None, [one_line(section.get("title")), text])))
    company_info = as_dict(data.get("company"))
    url = identifier(data.get("postingUrl"))
    if not url and identifier(company_info.get("identifier")):
        url = f"https://jobs.smartrecruiters.com/{company_info['identifier']}/{posting_id}"
    remote = location.get("remote")
    return Posting(
        title=title,
        description=joined(parts),
        source=source,
        source_id=posting_id,
        url=url,
        company=one_line(company_info.get("name")) or company,
        locations=unique([place]),
        remote=remote if isinstance(remote, bool) else None,
        employment_type=employment_type(as_dict(data.get("typeOfEmployment")).get("label")),
        seniority=seniority_from_title(title) or one_line(as_dict(data.get("experienceLevel")).get("label")),
        posted_at=iso_datetime(data.get("releasedDate")),
    )


def _list(crawl: Crawl, offset: int) -> Fetch:
    return Fetch(crawl.api(list_path(crawl.key, offset, crawl.page_size)), "parse_list")


def _parse_list(data: Any, crawl: Crawl) -> Step:
    """A page of summaries: one detail request per posting (the description lives only there)."""
    listing = parse_list(data)
    step = Step(page=BoardPage(entries=listing.entries, dropped=listing.dropped, total=listing.total))
    for summary in listing.summaries:
        board_id = identifier(summary.get("id")) or ""
        step.details.append(Detail(
            Fetch(crawl.api(detail_path(crawl.key, board_id)), "parse_detail"), board_id,
            one_line(summary.get("name")) or "",
            fallback=parse_detail(summary, source=crawl.source.name, company=crawl.company)))
    if listing.next_offset is not None:
        step.next.append(_list(crawl, listing.next_offset))
    return step


def _parse_detail(data: Any, crawl: Crawl) -> Step:
    posting = parse_detail(data, source=crawl.source.name, company=crawl.company)
    return Step(page=BoardPage(postings=[posting] if posting else [], dropped=0 if posting else 1))


BOARD = Board(
    type="smartrecruiters", label="SmartRecruiters", key="company", host="https://api.smartrecruiters.com",
    endpoint="GET /v1/companies/{company}/postings?limit=&offset= (pages), then /postings/{id} per posting "
             "whose title could be kept: the description is only in the detail",
    start=lambda crawl: [_list(crawl, 0)],
    handlers={"parse_list": Handler(_parse_list), "parse_detail": Handler(_parse_detail)},
    url_forms=(
        UrlForm("https://jobs.smartrecruiters.com/{company}",
                r"(?:jobs|careers)\.smartrecruiters\.com/(?P<company>[\w.-]+)", "https://jobs.smartrecruiters.com/Acme"),
        UrlForm("https://api.smartrecruiters.com/v1/companies/{company}/postings",
                r"api\.smartrecruiters\.com/v1/companies/(?P<company>[\w.-]+)",
                "https://api.smartrecruiters.com/v1/companies/Acme/postings"),
    ),
)
