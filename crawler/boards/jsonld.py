"""Career pages that carry schema.org ``JobPosting`` in ``<script type="application/ld+json">``.

The JSON-LD may be one object, a list, or a ``@graph``; ``@type`` may be a string or a list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import lxml.html

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Step
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    BoardPage,
    as_dict,
    as_list,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    number,
    one_line,
    salary_period,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.text_cleaning import html_to_text

STRUCTURED_FIELDS = ("skills", "experienceRequirements", "educationRequirements", "qualifications")


def parse_page(html: str, *, page_url: str, source: str, company: str | None = None) -> BoardPage:
    """Every ``JobPosting`` on a page; unreadable JSON-LD blocks count as dropped."""
    page = BoardPage()
    if not html.strip():
        return page
    document = lxml.html.document_fromstring(html)
    for script in document.xpath("//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            page.dropped += 1
            continue
        for node in job_postings(data):
            page.add(parse_job_posting(node, page_url=page_url, source=source, company=company))
    return page


def job_postings(data: Any) -> Iterator[dict[str, Any]]:
    """The JobPosting objects in a JSON-LD value, through lists and ``@graph``."""
    if isinstance(data, list):
        for item in data:
            yield from job_postings(item)
    elif isinstance(data, dict):
        types = as_list(data.get("@type"))
        if "JobPosting" in types:
            yield data
        if "@graph" in data:
            yield from job_postings(data["@graph"])


def parse_job_posting(node: dict[str, Any], *, page_url: str, source: str,
                      company: str | None = None) -> Posting | None:
    title = one_line(node.get("title")) or one_line(node.get("name"))
    if not title:
        return None
    ident = node.get("identifier")
    source_id = identifier(as_dict(ident).get("value")) if isinstance(ident, dict) else identifier(ident)
    organization = node.get("hiringOrganization")
    organization_name = one_line(as_dict(organization).get("name")) if isinstance(organization, dict) \
        else one_line(organization)
    locations = unique([_place(location) for location in as_list(node.get("jobLocation"))])
    location_type = " ".join(str(x) for x in as_list(node.get("jobLocationType")))
    remote = True if "TELECOMMUTE" in location_type.upper() else None
    low, high, currency, period = _salary(node.get("baseSalary"))
    structured = {}
    for name in STRUCTURED_FIELDS:
        value = node.get(name)
        if value not in (None, "", [], {}):
            structured[name] = _structured_value(value)
    return Posting(
        title=title,
        description=description_text(node.get("description")),
        source=source,
        source_id=source_id,
        url=identifier(node.get("url")) or page_url,
        company=organization_name or company,
        locations=locations,
        remote=remote,
        salary_min=low, salary_max=high, salary_currency=currency, salary_period=period,
        employment_type=employment_type(node.get("employmentType")),
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(node.get("datePosted")),
        structured=structured,
    )


def _place(location: Any) -> str | None:
    if isinstance(location, str):
        return one_line(location)
    address = as_dict(as_dict(location).get("address"))
    if not address and isinstance(as_dict(location).get("address"), str):
        return one_line(location["address"])
    country = address.get("addressCountry")
    country = as_dict(country).get("name") if isinstance(country, dict) else country
    parts = [one_line(address.get("addressLocality")), one_line(address.get("addressRegion")), one_line(country)]
    return ", ".join(p for p in parts if p) or one_line(as_dict(location).get("name"))


def _salary(value: Any) -> tuple[float | None, float | None, str | None, str | None]:
    salary = as_dict(value)
    amount = salary.get("value")
    currency = identifier(salary.get("currency"))
    if isinstance(amount, dict):
        single = number(amount.get("value"))
        low = number(amount.get("minValue")) or single
        high = number(amount.get("maxValue")) or single
        return low, high, currency, salary_period(amount.get("unitText"))
    single = number(amount)
    return single, single, currency, salary_period(salary.get("unitText"))


def _structured_value(value: Any) -> Any:
    """Strings cleaned of HTML; objects (OccupationalExperienceRequirements, ...) kept as data."""
    if isinstance(value, str):
        return html_to_text(value)
    if isinstance(value, list):
        return [_structured_value(v) for v in value]
    return value


def _parse_page(html: str, crawl: Crawl, page_url: str) -> Step:
    page = parse_page(html, page_url=page_url, source=crawl.source.name, company=crawl.source.company_name)
    if page.entries == 0:
        raise BoardFormatError("no schema.org JobPosting on the page")
    return Step(page=page)


BOARD = Board(
    type="jsonld", label="Career pages (schema.org JobPosting)", key="urls",
    endpoint="GET each listed page; every JobPosting in its JSON-LD",
    start=lambda crawl: [Fetch(url, "parse_page", {"page_url": url}) for url in crawl.source.urls],
    handlers={"parse_page": Handler(_parse_page, body="text")},
    notes="any page: `jobmatch sources add URL --type jsonld`",
)
