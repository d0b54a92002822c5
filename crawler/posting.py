"""The posting: what the store keeps of one job ad, whatever board it came from."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# The fields of the public posting record (docs/cli.md: `postings export`), in order.
EXPORT_FIELDS = (
    "id", "source", "url", "title", "company", "locations", "remote",
    "salary_min", "salary_max", "salary_currency", "salary_period", "employment_type",
    "posted_at", "first_seen", "last_seen", "closed_at", "description",
)
MAX_TITLE_CHARS = 500
MAX_FIELD_CHARS = 2_000


@dataclass
class Posting:
    """One job posting, cleaned. ``description`` is plain text, never HTML."""

    title: str
    description: str = ""
    source: str = "import"
    source_id: str | None = None
    id: str | None = None
    url: str | None = None
    company: str | None = None
    locations: list[str] = field(default_factory=list)
    remote: bool | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    employment_type: str | None = None
    seniority: str | None = None
    posted_at: str | None = None
    # Structured requirements a board gives (JSON-LD `skills`, `experienceRequirements`, ...).
    structured: dict[str, Any] = field(default_factory=dict)
    # Kept by the store, not set by parsers.
    first_seen: str | None = None
    last_seen: str | None = None
    closed_at: str | None = None

    def __post_init__(self) -> None:
        self.title = _clip(self.title, MAX_TITLE_CHARS) or ""
        self.company = _clip(self.company, MAX_FIELD_CHARS)
        self.locations = [loc for loc in (_clip(x, MAX_FIELD_CHARS) for x in self.locations or []) if loc]
        if self.id is None:
            self.id = posting_id(self.source, self.source_id, self.url, self.content_hash)

    @property
    def content_hash(self) -> str:
        """Changes when what a reader sees of the job changes; ignores the store's bookkeeping."""
        payload = json.dumps(
            [self.title, self.company, self.description, sorted(self.locations), self.remote,
             self.salary_min, self.salary_max, self.salary_currency, self.salary_period,
             self.employment_type],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    @property
    def duplicate_key(self) -> str:
        """The same job on two boards: same company, same title, same first location."""
        parts = [fold(self.company or ""), fold(self.title), fold(self.locations[0] if self.locations else "")]
        return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:20]

    def to_record(self) -> dict[str, Any]:
        """The public record (docs/cli.md field names and order)."""
        data = dataclasses.asdict(self)
        return {name: data[name] for name in EXPORT_FIELDS}


def posting_id(source: str, source_id: str | None, url: str | None, content_hash: str) -> str:
    """A stable id: the board's own id, else the canonical URL, else the content."""
    if source_id:
        return f"{source}:{source_id}"
    if url:
        return f"{source}:url-{hashlib.sha1(canonical_url(url).encode('utf-8')).hexdigest()[:16]}"
    return f"{source}:content-{content_hash[:16]}"


def canonical_url(url: str) -> str:
    url = url.strip()
    url = re.sub(r"#.*$", "", url)
    url = re.sub(r"[?&](utm_[a-z]+|gh_src|source|ref)=[^&]*", "", url)
    return url.rstrip("/?&").lower()


def fold(text: str) -> str:
    """Lower case, no accents, words only: for comparing names across boards."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _clip(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text[:limit] or None
