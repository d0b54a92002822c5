"""Lever Postings API: ``GET /v0/postings/{site}?mode=json&skip=&limit=``, a bare list, paged."""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Option, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardPage,
    as_dict,
    as_list,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    joined,
    mentions_remote,
    number,
    one_line,
    require_list,
    salary_period,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

PAGE_SIZE = 100


def postings_path(site: str, skip: int = 0, limit: int = PAGE_SIZE) -> str:
    return f"/v0/postings/{site}?mode=json&skip={skip}&limit={limit}"


def parse_postings(data: Any, *, source: str, company: str | None = None) -> BoardPage:
    """One page of postings. The spider asks for the next page while a page comes back full."""
    page = BoardPage()
    for item in require_list(data, None, "lever"):
        page.add(parse_posting(item, source=source, company=company))
    return page


def parse_posting(item: Any, *, source: str, company: str | None = None) -> Posting | None:
    if not isinstance(item, dict):
        return None
    title = one_line(item.get("text"))
    posting_id = identifier(item.get("id"))
    if not title or not posting_id:
        return None
    categories = as_dict(item.get("categories"))
    locations = unique([one_line(x) for x in as_list(categories.get("allLocations"))]
                       or [one_line(categories.get("location"))])
    workplace = item.get("workplaceType")
    remote = {"remote": True, "on-site": False, "onsite": False, "hybrid": False}.get(
        str(workplace).lower()) if isinstance(workplace, str) else None
    if remote is None:
        remote = mentions_remote(*locations)
    salary = as_dict(item.get("salaryRange"))
    return Posting(
        title=title,
        description=_description(item),
        source=source,
        source_id=posting_id,
        url=identifier(item.get("hostedUrl")) or identifier(item.get("applyUrl")),
        company=company,
        locations=locations,
        remote=remote,
        salary_min=number(salary.get("min")),
        salary_max=number(salary.get("max")),
        salary_currency=identifier(salary.get("currency")),
        salary_period=salary_period(salary.get("interval")),
        employment_type=employment_type(categories.get("commitment")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(item.get("createdAt")),
    )


def _description(item: dict[str, Any]) -> str:
    """The opening and body, then each list (requirements often live there) under its heading."""
    parts = [_html_or_plain(item, "description") or "\n\n".join(
        filter(None, [_html_or_plain(item, "opening"), _html_or_plain(item, "descriptionBody")]))]
    for entry in as_list(item.get("lists")):
        entry = as_dict(entry)
        heading = one_line(entry.get("text"))
        content = entry.get("content")
        body = description_text(f"<ul>{content}</ul>" if isinstance(content, str) and "<li" in content
                                else content)
        if body:
            parts.append("\n".join(filter(None, [heading, body])))
    parts.append(_html_or_plain(item, "additional"))
    return joined(parts)


def _html_or_plain(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        value = item.get(f"{name}Plain")
    return description_text(value)


def _page(crawl: Crawl, skip: int) -> Fetch:
    return Fetch(crawl.api(postings_path(crawl.key, skip, crawl.page_size)), "parse_page", {"skip": skip})


def _parse_page(data: Any, crawl: Crawl, skip: int = 0) -> Step:
    """A page shorter than the page size is the last."""
    page = parse_postings(data, source=crawl.source.name, company=crawl.company)
    return Step(page=page, next=[_page(crawl, skip + crawl.page_size)] if page.entries >= crawl.page_size else [])


BOARD = Board(
    type="lever", label="Lever", key="site", host="https://api.lever.co",
    options=(Option("region", "Lever's EU host (api.eu.lever.co)", choices=("eu",)),),
    option_hosts={("region", "eu"): "https://api.eu.lever.co"},
    endpoint="GET /v0/postings/{site}?mode=json&skip=&limit=: pages of JOBMATCH_PAGE_SIZE",
    start=lambda crawl: [_page(crawl, 0)],
    handlers={"parse_page": Handler(_parse_page)},
    url_forms=(
        UrlForm("https://jobs.lever.co/{site}", r"jobs\.lever\.co/(?P<site>[\w.-]+)", "https://jobs.lever.co/acme"),
        UrlForm("https://jobs.eu.lever.co/{site}", r"jobs\.eu\.lever\.co/(?P<site>[\w.-]+)",
                "https://jobs.eu.lever.co/acme", {"region": "eu"}),
        UrlForm("https://api.lever.co/v0/postings/{site}", r"api\.lever\.co/v0/postings/(?P<site>[\w.-]+)",
                "https://api.lever.co/v0/postings/acme?mode=json"),
        UrlForm("https://api.eu.lever.co/v0/postings/{site}", r"api\.eu\.lever\.co/v0/postings/(?P<site>[\w.-]+)",
                "https://api.eu.lever.co/v0/postings/acme", {"region": "eu"}),
    ),
)
