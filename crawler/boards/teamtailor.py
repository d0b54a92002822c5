"""Teamtailor career sites: the public feed ``GET https://{company}.teamtailor.com/jobs.rss``.

RSS 2.0 items (title, link, description HTML, pubDate, guid) with Teamtailor's own elements, read
by local name whatever their namespace: ``location`` (text, or ``name``/``city``/``country``
children), ``department``, ``remoteStatus``/``remote`` (``fully``, ``hybrid``, ``none``, true/false).
Its documentation names few fields: the layout is read defensively, and anything missing is left out.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from lxml import etree

from jobmatch.crawler.boards.base import Board, Crawl, Handler, Step, UrlForm, start_with
from jobmatch.crawler.boards.fields import BoardPage, one_line, unique
from jobmatch.crawler.boards.rss import feed_nodes, rss_item
from jobmatch.crawler.posting import Posting

API_PATH = "/jobs.rss"
_REMOTE = {"true": True, "yes": True, "fully": True, "remote": True, "full": True,
           "false": False, "no": False, "none": False, "onsite": False, "on-site": False, "hybrid": False}


def _local(node: Any) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _location(node: Any) -> str | None:
    children = {_local(child): one_line("".join(child.itertext())) for child in node}
    if children:
        return children.get("name") or ", ".join(
            filter(None, (children.get(k) for k in ("city", "region", "country")))) or None
    return one_line(node.text)


def parse_feed(body: bytes, *, source: str, company: str | None = None) -> BoardPage:
    _, nodes = feed_nodes(body, "teamtailor")
    page = BoardPage()
    for node in nodes:
        page.add(parse_item(node, source=source, company=company))
    return page


def parse_item(node: Any, *, source: str, company: str | None = None) -> Posting | None:
    posting = rss_item(node, source, company)
    if posting is None:
        return None
    locations, remote = [], None
    for element in node.iter():
        name = _local(element).lower()
        if name == "location":
            locations.append(_location(element))
        elif name in ("remotestatus", "remote", "remote_status") and element.text:
            remote = _REMOTE.get(element.text.strip().lower(), remote)
    guid = posting.source_id or posting.url or ""
    found = re.search(r"/jobs/(\d+)", guid)
    return dataclasses.replace(posting, id=None, source_id=found.group(1) if found else posting.source_id,
                               locations=unique(locations), remote=remote)


def _parse_feed(body: bytes, crawl: Crawl) -> Step:
    return Step(page=parse_feed(body, source=crawl.source.name, company=crawl.company))


BOARD = Board(
    type="teamtailor", label="Teamtailor", key="company", host="https://{company}.teamtailor.com",
    key_pattern=r"[A-Za-z0-9][A-Za-z0-9-]*", key_help="the company, the first label of its teamtailor.com host",
    endpoint="GET /jobs.rss: every job, descriptions included (RSS)",
    start=start_with("parse_feed", API_PATH),
    handlers={"parse_feed": Handler(_parse_feed, body="bytes")},
    url_forms=(UrlForm("https://{company}.teamtailor.com/jobs",
                       r"(?!www\.|app\.|api\.|career\.)(?P<company>[a-z0-9-]+)\.teamtailor\.com",
                       "https://acme.teamtailor.com/jobs", also=("https://acme.teamtailor.com/jobs.rss",)),),
)
