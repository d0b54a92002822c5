"""Reading postings from files: JSON Lines, CSV (the export's columns) and JobSpy's CSV.

Whole-file problems (missing, a directory, empty, not UTF-8, missing columns) raise
``ImportFileError``; a bad line is reported with its number and skipped while the good ones land.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobmatch.crawler.errors import ImportFileError
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.text_cleaning import html_to_text

FORMATS = ("jsonl", "csv", "jobspy")
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_LINE_CHARS = 5 * 1024 * 1024
JOBSPY_COLUMNS = {"job_url", "title", "company", "description"}


@dataclass
class BadLine:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class ReadResult:
    postings: list[Posting] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)


def guess_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        with open(path, "rb") as handle:
            header = handle.readline().decode("utf-8", "replace").lower()
        return "jobspy" if "job_url" in header and "site" in header else "csv"
    raise ImportFileError(path, f"cannot tell the format from the extension {suffix or '(none)'}; "
                                "give --format jsonl, csv or jobspy")


def read_postings(path: str, fmt: str | None = None, *, source: str = "import") -> ReadResult:
    """Parse one file into postings; never writes anything."""
    text = _read_text(path)
    fmt = fmt or guess_format(path)
    if fmt == "jsonl":
        return _read_jsonl(path, text, source)
    if fmt in ("csv", "jobspy"):
        return _read_csv(path, text, fmt, source)
    raise ImportFileError(path, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _read_text(path: str) -> str:
    file = Path(path)
    if not file.exists():
        raise ImportFileError(path, "no such file")
    if file.is_dir():
        raise ImportFileError(path, "is a directory, not a file")
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(path, f"file is {size // 2**20} MB; the limit is {MAX_FILE_BYTES // 2**20} MB")
        data = file.read_bytes()
    except PermissionError:
        raise ImportFileError(path, "permission denied") from None
    except OSError as error:
        raise ImportFileError(path, f"cannot read: {error.strerror or error}") from None
    if not data.strip():
        raise ImportFileError(path, "file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(path, f"not valid UTF-8 (byte {error.start})", line=line) from None
    return text


def _read_jsonl(path: str, text: str, source: str) -> ReadResult:
    result = ReadResult()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            result.bad_lines.append(BadLine(path, number, f"line longer than {MAX_LINE_CHARS} characters"))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            result.bad_lines.append(BadLine(path, number, f"not valid JSON ({error.msg}, column {error.colno})"))
            continue
        if not isinstance(record, dict):
            result.bad_lines.append(BadLine(path, number, "expected a JSON object"))
            continue
        try:
            result.postings.append(posting_from_record(record, source))
        except ValueError as error:
            result.bad_lines.append(BadLine(path, number, str(error)))
    return result


def _read_csv(path: str, text: str, fmt: str, source: str) -> ReadResult:
    result = ReadResult()
    csv.field_size_limit(MAX_LINE_CHARS)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {name.strip().lower() for name in reader.fieldnames or [] if name}
    needed = JOBSPY_COLUMNS if fmt == "jobspy" else {"title"}
    missing = needed - columns
    if missing:
        raise ImportFileError(path, f"missing column(s) {', '.join(sorted(missing))} "
                                    f"(found: {', '.join(sorted(columns)) or 'none'})", line=1)
    if fmt == "csv" and not columns & {"description", "url"}:
        raise ImportFileError(path, "needs a description or url column", line=1)
    while True:
        number = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.bad_lines.append(BadLine(path, number, f"malformed CSV ({error})"))
            break
        row = {(key or "").strip().lower(): value for key, value in row.items() if key}
        try:
            record = _jobspy_record(row) if fmt == "jobspy" else _csv_record(row)
            result.postings.append(posting_from_record(record, source))
        except ValueError as error:
            result.bad_lines.append(BadLine(path, number, str(error)))
    return result


def _csv_record(row: dict[str, str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {key: (value if value not in ("", None) else None) for key, value in row.items()}
    locations = record.get("locations")
    if isinstance(locations, str):
        stripped = locations.strip()
        record["locations"] = json.loads(stripped) if stripped.startswith("[") else [
            part.strip() for part in stripped.split(";") if part.strip()]
    return record


def _jobspy_record(row: dict[str, str | None]) -> dict[str, Any]:
    def value(name: str) -> str | None:
        text = row.get(name)
        return text.strip() if text and text.strip() and text.strip().lower() != "nan" else None

    site = value("site") or "jobspy"
    return {
        "id": f"{site}:{value('id')}" if value("id") else None,
        "source": f"jobspy-{site}",
        "url": value("job_url_direct") or value("job_url"),
        "title": value("title"),
        "company": value("company"),
        "locations": [value("location")] if value("location") else [],
        "remote": value("is_remote"),
        "salary_min": value("min_amount"),
        "salary_max": value("max_amount"),
        "salary_currency": value("currency"),
        "salary_period": value("interval"),
        "employment_type": value("job_type"),
        "posted_at": value("date_posted"),
        "description": value("description") or "",
    }


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def posting_from_record(record: dict[str, Any], source: str = "import") -> Posting:
    """A posting from a record with the export's field names; ValueError names the bad field."""
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("field 'title' is missing or empty")
    description = record.get("description")
    url = record.get("url")
    if not (isinstance(description, str) and description.strip()) and not (isinstance(url, str) and url.strip()):
        raise ValueError("needs a 'description' or a 'url'")
    if description is not None and not isinstance(description, str):
        raise ValueError("field 'description' must be text")
    locations = record.get("locations") or []
    if isinstance(locations, str):
        locations = [locations]
    if not isinstance(locations, list) or not all(isinstance(x, str) for x in locations):
        raise ValueError("field 'locations' must be a list of strings")
    record_id = record.get("id")
    if record_id is not None and not isinstance(record_id, str | int):
        raise ValueError("field 'id' must be a string")
    structured = record.get("structured") or {}
    if not isinstance(structured, dict):
        raise ValueError("field 'structured' must be an object")
    return Posting(
        id=str(record_id) if record_id not in (None, "") else None,
        source=_text(record, "source") or source,
        source_id=_text(record, "source_id"),
        url=_text(record, "url"),
        title=title,
        company=_text(record, "company"),
        locations=locations,
        remote=_boolean(record, "remote"),
        salary_min=_number(record, "salary_min"),
        salary_max=_number(record, "salary_max"),
        salary_currency=_text(record, "salary_currency"),
        salary_period=_text(record, "salary_period"),
        employment_type=_text(record, "employment_type"),
        seniority=_text(record, "seniority"),
        posted_at=_text(record, "posted_at"),
        description=html_to_text(description) if isinstance(description, str) else "",
        structured=structured,
        first_seen=_text(record, "first_seen"),
        last_seen=_text(record, "last_seen"),
        closed_at=_text(record, "closed_at"),
    )


def _text(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, dict | list):
        raise ValueError(f"field {name!r} must be text")
    return str(value)


def _number(record: dict[str, Any], name: str) -> float | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    try:
        number = float(str(value).replace(",", "")) if not isinstance(value, bool) else math.nan
    except ValueError:
        raise ValueError(f"field {name!r} must be a number, not {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"field {name!r} must be a finite number")
    return number


def _boolean(record: dict[str, Any], name: str) -> bool | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise ValueError(f"field {name!r} must be true or false, not {str(value)[:40]!r}")

