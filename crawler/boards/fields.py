"""Reading boards' fields defensively: nulls where lists are documented, HTML in "plain" fields,
dates as ISO strings, epoch seconds or milliseconds, salaries as numbers or free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from jobmatch.crawler.posting import Posting, fold
from jobmatch.crawler.text_cleaning import MAX_DESCRIPTION_CHARS, html_to_text, looks_like_html


class BoardFormatError(ValueError):
    """A response is not the shape its board documents (no ``jobs`` list, not JSON, not a feed)."""


@dataclass
class BoardPage:
    """What one response of a board yields.

    ``entries`` counts the job objects seen, ``dropped`` those that could not be read (no title,
    no id, not an object); ``total`` is the board's own count when it gives one; ``next_url`` is
    the next page when the board pages.
    """

    postings: list[Posting] = field(default_factory=list)
    entries: int = 0
    dropped: int = 0
    total: int | None = None
    next_url: str | None = None

    def add(self, posting: Posting | None) -> None:
        """Count one job object: kept when it parsed, dropped when it did not."""
        self.entries += 1
        if posting is None:
            self.dropped += 1
        else:
            self.postings.append(posting)


def as_list(value: Any) -> list[Any]:
    """A documented list that may arrive as null or as a single value."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def require_list(data: Any, key: str | None, board: str) -> list[Any]:
    """The board's job list; a wrong shape is a BoardFormatError, a null list is empty."""
    if key is None:
        if isinstance(data, list):
            return data
        raise BoardFormatError(f"{board}: expected a JSON list, got {type(data).__name__}")
    if not isinstance(data, dict) or key not in data:
        raise BoardFormatError(f"{board}: expected a JSON object with a '{key}' list")
    value = data[key]
    if value is None:
        return []
    if not isinstance(value, list):
        raise BoardFormatError(f"{board}: '{key}' is {type(value).__name__}, not a list")
    return value


_TAG_LEFT = re.compile(r"<\s*/?\s*(p|br|div|ul|ol|li|b|i|em|strong|span|h[1-6]|a)\b[^<>]*>", re.I)


def description_text(value: Any, *, escaped: bool = False) -> str:
    """Clean text from a description that may be HTML, escaped HTML, both at once, or plain text."""
    if not isinstance(value, str):
        return ""
    text = html_to_text(value, escaped=escaped)
    if _TAG_LEFT.search(text):  # escaped markup inside real markup: a second pass
        text = html_to_text(text)
    return text


def joined(parts: list[str], separator: str = "\n\n") -> str:
    """Description parts (sections, requirements, lists) as one text, within the description cap."""
    return separator.join(part for part in parts if part)[:MAX_DESCRIPTION_CHARS]


def one_line(value: Any) -> str | None:
    """A short plain field (title, company, location): HTML stripped, one line, None when empty."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value)
    if looks_like_html(text):
        text = html_to_text(text)
    text = " ".join(text.split())
    return text or None


def identifier(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value).strip()
    return text or None


def iso_datetime(value: Any) -> str | None:
    """An ISO 8601 UTC string from ISO text, epoch seconds or milliseconds, or RFC 822 dates."""
    if value is None or isinstance(value, bool):
        return None
    moment: datetime | None = None
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d{9,13}", value.strip())):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            moment = datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return text
        text = re.sub(r"^(\d{4}-\d{2}-\d{2}[T ][\d:.]+)\s*(?:UTC|GMT)$", r"\1+00:00", text)  # Recruitee
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def number(value: Any) -> float | None:
    """A positive amount from a number or a string such as "120,000"; 0 and garbage are None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.replace(",", "").replace("_", "").strip()
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return None
    return amount if amount > 0 and amount == amount and amount != float("inf") else None


_PERIODS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "yr": "year", "salary": "year",
    "month": "month", "monthly": "month", "week": "week", "weekly": "week", "day": "day", "daily": "day",
    "hour": "hour", "hourly": "hour", "hr": "hour",
}


def salary_period(value: Any) -> str | None:
    """"per-year-salary", "1 YEAR", "YEAR", "hourly" -> year / month / week / day / hour."""
    if not isinstance(value, str):
        return None
    for word in fold(value).split():
        if word in _PERIODS and word != "salary":
            return _PERIODS[word]
    return "year" if "salary" in fold(value).split() else None


_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)*)\s*([kK])?")


def salary_from_text(text: Any) -> tuple[float | None, float | None, str | None, str | None]:
    """(min, max, currency, period) from free text such as "$120k - $150k" or "€60,000 per year"."""
    if not isinstance(text, str) or not text.strip():
        return None, None, None, None
    currency = next((code for sign, code in _CURRENCY_SIGNS.items() if sign in text), None)
    if currency is None:
        match = re.search(r"\b(USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR)\b", text, re.I)
        currency = match.group(1).upper() if match else None
    amounts = []
    for digits, thousands in _AMOUNT.findall(text):
        grouped = re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits)  # 60,000 or 60.000
        amount = number(re.sub(r"[.,]", "", digits) if grouped else digits.replace(",", "."))
        if amount is None:
            continue
        amounts.append(amount * 1000 if thousands else amount)
    amounts = [a for a in amounts if a >= 10][:2]
    if not amounts:
        return None, None, currency, None
    low, high = min(amounts), max(amounts)
    period = salary_period(text)
    if period is None:
        period = "year" if low >= 1000 else None
    return low, high, currency, period


_EMPLOYMENT = {
    "full time": "full-time", "fulltime": "full-time", "full_time": "full-time", "permanent": "full-time",
    "part time": "part-time", "parttime": "part-time", "contract": "contract", "contractor": "contract",
    "freelance": "contract", "temporary": "temporary", "temp": "temporary", "intern": "internship",
    "internship": "internship", "working student": "internship", "volunteer": "volunteer",
}


def employment_type(value: Any) -> str | None:
    """Board wording ("FullTime", "FULL_TIME", "Full time", "per-year") in one vocabulary."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value.strip())
    folded = fold(text.replace("_", " ").replace("-", " "))
    for phrase, name in _EMPLOYMENT.items():
        if phrase in folded:
            return name
    return folded[:100] or None


_SENIORITY = (
    ("intern", "intern"), ("internship", "intern"), ("junior", "junior"), ("jr", "junior"),
    ("entry level", "junior"), ("graduate", "junior"), ("senior", "senior"), ("sr", "senior"),
    ("staff", "staff"), ("principal", "principal"), ("lead", "lead"), ("head of", "head"),
    ("director", "director"), ("vp", "director"),
)


def seniority_from_title(title: str) -> str | None:
    folded = f" {fold(title)} "
    for phrase, name in _SENIORITY:
        if f" {phrase} " in folded:
            return name
    return None


def mentions_remote(*values: Any) -> bool | None:
    """True when a location or workplace field says remote; None when nothing says either way."""
    for value in values:
        if isinstance(value, str) and re.search(r"\bremote\b|\banywhere\b|\btelecommut", value, re.I):
            return True
    return None


def unique(values: list[str | None]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen
