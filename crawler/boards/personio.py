"""Personio career sites: ``GET https://{company}.jobs.personio.de/xml`` (or ``.com``), an XML feed.

``<workzag-jobs><position><id/><office/><department/><recruitingCategory/><name/> (the title)
<jobDescriptions><jobDescription><name/><value/> (HTML)</jobDescription>...</jobDescriptions>
<employmentType/><seniority/><schedule/><yearsOfExperience/><occupation/><occupationCategory/>
<createdAt/></position>...</workzag-jobs>``.

Parsed strictly (a truncated or malformed feed fails the source rather than passing for a smaller
board), without network access, entity expansion or huge trees.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from jobmatch.crawler.boards.base import Board, Crawl, Handler, Option, Step, UrlForm, start_with
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    BoardPage,
    description_text,
    employment_type,
    identifier,
    iso_datetime,
    joined,
    mentions_remote,
    one_line,
    seniority_from_title,
    unique,
)
from jobmatch.crawler.posting import Posting

API_PATH = "/xml"
_SENIORITY = {"entry-level": "junior", "student": "intern", "executive": "director"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)


def _text(node: Any, name: str) -> str | None:
    child = node.find(name)
    if child is None:
        return None
    return "".join(child.itertext()).strip() or None


def parse_feed(body: bytes, *, source: str, company: str | None = None, site: str | None = None) -> BoardPage:
    """Every position; ``site`` is the careers host, for the postings' links."""
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise BoardFormatError(f"personio: malformed XML: {str(error)[:200]}") from None
    if root is None or etree.QName(root).localname != "workzag-jobs":
        raise BoardFormatError("personio: expected a <workzag-jobs> feed")
    page = BoardPage()
    for node in root.iter("position"):
        page.add(parse_position(node, source=source, company=company, site=site))
    return page


def parse_position(node: Any, *, source: str, company: str | None = None, site: str | None = None) -> Posting | None:
    title = one_line(_text(node, "name"))
    position_id = identifier(_text(node, "id"))
    if not title or not position_id:
        return None
    parts = []
    for description in node.iterfind("jobDescriptions/jobDescription"):
        heading = one_line(_text(description, "name"))
        value = description.find("value")
        body = description_text("".join(value.itertext()) if value is not None else None)
        if body:
            parts.append("\n".join(filter(None, [heading, body])))
    offices = [one_line(_text(node, "office"))] + [
        one_line("".join(office.itertext())) for office in node.iterfind("additionalOffices/office")]
    locations = unique(offices)
    schedule = _text(node, "schedule")
    seniority = identifier(_text(node, "seniority"))
    years = identifier(_text(node, "yearsOfExperience"))
    return Posting(
        title=title,
        description=joined(parts),
        source=source,
        source_id=position_id,
        url=f"{site}/job/{position_id}" if site else None,
        company=company,
        locations=locations,
        remote=mentions_remote(*locations),
        employment_type=employment_type(schedule) or employment_type(_text(node, "employmentType")),
        seniority=seniority_from_title(title) or _SENIORITY.get(seniority or "", seniority),
        posted_at=iso_datetime(_text(node, "createdAt")),
        structured={"yearsOfExperience": years} if years else {},
    )


def _parse_feed(body: bytes, crawl: Crawl) -> Step:
    site = crawl.source.api_host()
    return Step(page=parse_feed(body, source=crawl.source.name, company=crawl.company, site=site))


BOARD = Board(
    type="personio", label="Personio", key="company", host="https://{company}.jobs.personio.{domain}",
    key_pattern=r"[A-Za-z0-9][A-Za-z0-9-]*", key_help="the company, the first label of its jobs.personio host",
    options=(Option("domain", "the careers host's top-level domain", choices=("de", "com"), default="de"),),
    endpoint="GET /xml: every position, descriptions included (XML)",
    start=start_with("parse_feed", API_PATH),
    handlers={"parse_feed": Handler(_parse_feed, body="bytes")},
    url_forms=(
        UrlForm("https://{company}.jobs.personio.de", r"(?P<company>[a-z0-9-]+)\.jobs\.personio\.de",
                "https://acme.jobs.personio.de", also=("https://acme.jobs.personio.de/xml",)),
        UrlForm("https://{company}.jobs.personio.com", r"(?P<company>[a-z0-9-]+)\.jobs\.personio\.com",
                "https://acme.jobs.personio.com", {"domain": "com"}),
    ),
)
