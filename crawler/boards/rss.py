"""RSS 2.0 and Atom feeds of job ads: ``item`` (title, link, description, pubDate, guid) or ``entry``.

Parsed with lxml without network access or entity expansion (a feed is untrusted input).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from jobmatch.crawler.boards.base import Board, Crawl, Fetch, Handler, Step, UrlForm
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    BoardPage,
    description_text,
    identifier,
    iso_datetime,
    one_line,
    seniority_from_title,
)
from jobmatch.crawler.posting import Posting


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def parse_feed(body: bytes, *, feed_url: str, source: str, company: str | None = None) -> BoardPage:
    """Every item or entry of a feed."""
    atom, nodes = feed_nodes(body)
    page = BoardPage()
    for node in nodes:
        page.add(_atom_entry(node, source, company) if atom else rss_item(node, source, company))
    return page


def feed_nodes(body: bytes, board: str = "rss") -> tuple[bool, list[Any]]:
    """(whether it is Atom, its entries or items); a body that is not a feed is a BoardFormatError."""
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise BoardFormatError(f"{board}: not XML: {error}") from None
    if root is None or etree.QName(root).localname not in ("rss", "feed", "RDF"):
        raise BoardFormatError(f"{board}: not an RSS or Atom feed")
    atom = etree.QName(root).localname == "feed"
    return atom, list(root.iter("{*}entry" if atom else "{*}item"))


def child_text(node: Any, name: str) -> str | None:
    child = node.find(f"{{*}}{name}")
    if child is None:
        child = node.find(name)
    if child is None:
        return None
    return "".join(child.itertext()) or None


def rss_item(node: Any, source: str, company: str | None) -> Posting | None:
    title = one_line(child_text(node, "title"))
    if not title:
        return None
    link = identifier(child_text(node, "link"))
    description = child_text(node, "encoded") or child_text(node, "description")
    return Posting(
        title=title,
        description=description_text(description),
        source=source,
        source_id=identifier(child_text(node, "guid")),
        url=link,
        company=company,
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(child_text(node, "pubDate")) or iso_datetime(child_text(node, "date")),
    )


def _atom_entry(node: Any, source: str, company: str | None) -> Posting | None:
    title = one_line(child_text(node, "title"))
    if not title:
        return None
    link = None
    for candidate in node.findall("{*}link"):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            link = candidate.get("href").strip()
            break
    author = node.find("{*}author")
    author_name = one_line(child_text(author, "name")) if author is not None else None
    return Posting(
        title=title,
        description=description_text(child_text(node, "content") or child_text(node, "summary")),
        source=source,
        source_id=identifier(child_text(node, "id")),
        url=link,
        company=company or author_name,
        seniority=seniority_from_title(title),
        posted_at=iso_datetime(child_text(node, "published")) or iso_datetime(child_text(node, "updated")),
    )


def _parse_feed(body: bytes, crawl: Crawl, feed_url: str) -> Step:
    return Step(page=parse_feed(body, feed_url=feed_url, source=crawl.source.name,
                                company=crawl.source.company_name))


BOARD = Board(
    type="rss", label="RSS and Atom feeds", key="urls",
    endpoint="GET each listed feed; every item or entry",
    start=lambda crawl: [Fetch(url, "parse_feed", {"feed_url": url}) for url in crawl.source.urls],
    handlers={"parse_feed": Handler(_parse_feed, body="bytes")},
    url_forms=(
        UrlForm("any feed URL (.rss, .atom, /feed)", r"[^?#]*(?:\.rss|\.atom|/feed|/rss)",
                "https://acme.example/jobs.rss"),
    ),
)
