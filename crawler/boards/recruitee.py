"""Recruitee careers sites: ``GET https://{company}.recruitee.com/api/offers/``, every offer at once.

An offer: ``id``, ``slug``, ``title``, ``company_name``, ``description`` and ``requirements``
(HTML), ``location``/``city``/``country``, ``locations[]``, ``remote``/``hybrid``/``on_site``,
``employment_type_code``, ``experience_code``, ``salary{min, max, period, currency}``,
``careers_url``, ``published_at`` (``2026-01-05 09:00:00 UTC``), ``tags[]``.
"""

from __future__ import annotations

from typing import Any

from jobmatch.crawler.boards.base import Board, Crawl, Handler, Step, UrlForm, start_with
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

API_PATH = "/api/offers/"
_SENIORITY = {"entry_level": "junior", "student_college": "intern", "senior_level": "senior",
              "executive": "director", "manager": "lead"}


def parse_offers(data: Any, *, source: str, company: str | None = None, site: str | None = None) -> BoardPage:
    """Every offer; ``site`` (the careers host) makes a link for an offer without ``careers_url``."""
    page = BoardPage()
    for offer in require_list(data, "offers", "recruitee"):
        page.add(parse_offer(offer, source=source, company=company, site=site))
    return page


def _place(value: Any) -> str | None:
    if isinstance(value, dict):
        return one_line(value.get("name")) or ", ".join(
            filter(None, (one_line(value.get(k)) for k in ("city", "state", "country")))) or None
    return one_line(value)


def parse_offer(offer: Any, *, source: str, company: str | None = None, site: str | None = None) -> Posting | None:
    if not isinstance(offer, dict):
        return None
    title = one_line(offer.get("title"))
    offer_id = identifier(offer.get("id")) or identifier(offer.get("slug"))
    if not title or not offer_id:
        return None
    city_country = ", ".join(filter(None, (one_line(offer.get("city")), one_line(offer.get("country")))))
    locations = unique([_place(x) for x in as_list(offer.get("locations"))]
                       or [one_line(offer.get("location")) or city_country or None])
    remote = offer.get("remote")
    salary = as_dict(offer.get("salary"))
    parts = [description_text(offer.get("description")), description_text(offer.get("requirements"))]
    tags = [one_line(tag) for tag in as_list(offer.get("tags")) if isinstance(tag, str)]
    experience = identifier(offer.get("experience_code"))
    slug = identifier(offer.get("slug"))
    return Posting(
        title=title,
        description=joined(parts),
        source=source,
        source_id=offer_id,
        url=identifier(offer.get("careers_url")) or (f"{site}/o/{slug}" if site and slug else None),
        company=one_line(offer.get("company_name")) or company,
        locations=locations,
        remote=remote if isinstance(remote, bool) else mentions_remote(*locations),
        salary_min=number(salary.get("min")), salary_max=number(salary.get("max")),
        salary_currency=identifier(salary.get("currency")), salary_period=salary_period(salary.get("period")),
        employment_type=employment_type(offer.get("employment_type_code")),
        seniority=seniority_from_title(title) or _SENIORITY.get(experience or ""),
        posted_at=iso_datetime(offer.get("published_at")) or iso_datetime(offer.get("created_at")),
        structured={"skills": [t for t in tags if t]} if any(tags) else {},
    )


def _parse_offers(data: Any, crawl: Crawl) -> Step:
    return Step(page=parse_offers(data, source=crawl.source.name, company=crawl.company, site=crawl.source.api_host()))


BOARD = Board(
    type="recruitee", label="Recruitee", key="company", host="https://{company}.recruitee.com",
    key_pattern=r"[A-Za-z0-9][A-Za-z0-9-]*", key_help="the company, the first label of its recruitee.com host",
    endpoint="GET /api/offers/: every offer, descriptions included",
    start=start_with("parse_offers", API_PATH),
    handlers={"parse_offers": Handler(_parse_offers)},
    url_forms=(UrlForm("https://{company}.recruitee.com", r"(?!www\.|app\.|api\.)(?P<company>[a-z0-9-]+)\.recruitee\.com",
                       "https://acme.recruitee.com", also=("https://acme.recruitee.com/api/offers/",)),),
)
