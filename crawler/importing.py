"""Reading postings from files: JSON Lines, a JSON array (or one JSON object), CSV (the export's
columns) and JobSpy's CSV.

The format comes from ``--format``, else from the extension and the content (a ``.json`` file
holding an array is read as the array, whatever its lines). Whole-file problems (missing, a
directory, empty, binary, not UTF-8, broken JSON, missing columns, no line readable) raise
``ImportFileError`` naming the file; a bad record is reported with its line number and skipped while
the good ones land.
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

FORMATS = ("jsonl", "json", "csv", "jobspy")
DESCRIPTIONS = {"jsonl": "JSON Lines", "json": "a JSON array", "csv": "CSV", "jobspy": "JobSpy CSV"}
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
    format: str = ""  # one of FORMATS: what the file was read as
    described: str = ""  # the same in words, for the user ("a JSON array of 3 records")


def guess_format(path: str, text: str | None = None) -> str:
    """The format of a file: from its extension, then from its content (``text``, when given)."""
    suffix = Path(path).suffix.lower()
    start = (text or "").lstrip()[:1]
    if suffix in (".jsonl", ".ndjson", ".json") or (suffix not in (".csv", ".tsv") and start in ("[", "{")):
        return "json" if start == "[" or (start == "{" and suffix == ".json" and _one_value(text or "")) else "jsonl"
    if suffix == ".csv" or (text is not None and _csv_columns(text) & {"title", "job_url"}):
        first = (text.split("\n", 1)[0] if text is not None else _first_line(path)).lower()
        return "jobspy" if "job_url" in first and "site" in first else "csv"
    raise ImportFileError(path, f"cannot tell the format: the extension is {suffix or '(none)'} and the content is "
                                "neither JSON nor CSV with a title column; give --format jsonl, json, csv or jobspy")


def read_postings(path: str, fmt: str | None = None, *, source: str = "import") -> ReadResult:
    """Parse one file into postings; never writes anything."""
    text = _read_text(path)
    fmt = fmt or guess_format(path, text)
    stripped = text.strip()
    if fmt == "jsonl" and (stripped.startswith("[") or (stripped.startswith("{") and "\n" in stripped)) \
            and _one_value(text):
        fmt = "json"  # a JSON array, or one pretty-printed object, in a .jsonl file: read as what it is
    if fmt == "jsonl":
        result = _read_jsonl(path, text, source)
    elif fmt == "json":
        result = _read_json(path, text, source)
    elif fmt in ("csv", "jobspy"):
        result = _read_csv(path, text, fmt, source)
    else:
        raise ImportFileError(path, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    result.format = result.format or fmt
    records = len(result.postings) + len(result.bad_lines)
    if records and not result.postings:
        first = result.bad_lines[0]
        raise ImportFileError(path, f"read as {result.described or DESCRIPTIONS[fmt]}, but none of its {records} "
                                    f"record(s) is a posting (line {first.line}: {first.reason})")
    if not records:
        raise ImportFileError(path, f"read as {result.described or DESCRIPTIONS[fmt]}, but it holds no records")
    return result


def _one_value(text: str) -> bool:
    """Whether the whole text is one JSON value (an array, or a pretty-printed object)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _first_line(path: str) -> str:
    with open(path, "rb") as handle:
        return handle.readline(64 * 1024).decode("utf-8", "replace")


def _csv_columns(text: str) -> set[str]:
    first = text.split("\n", 1)[0]
    try:
        row = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return set()
    return {name.strip().lower() for name in row}


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
    if b"\x00" in data[:1_000_000]:
        raise ImportFileError(path, "is a binary file (it holds NUL bytes), not JSON Lines, JSON or CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(path, f"not valid UTF-8 (byte {error.start})", line=line) from None
    return text


def _read_jsonl(path: str, text: str, source: str) -> ReadResult:
    result = ReadResult(format="jsonl", described="JSON Lines")
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


def _read_json(path: str, text: str, source: str) -> ReadResult:
    """A JSON array of posting objects (each reported by the line it starts on), or one object."""
    result = ReadResult(format="json")
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if text.startswith("{", position):
        try:
            record, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise ImportFileError(path, f"not valid JSON ({error.msg}, column {error.colno})", line=error.lineno) \
                from None
        if _skip_space(text, end) != len(text):
            raise ImportFileError(path, "not valid JSON: more than one value; JSON Lines needs one object a line",
                                  line=text.count("\n", 0, end) + 1)
        result.described = "one JSON object"
        _add_record(result, path, 1 + text.count("\n", 0, position), record, source)
        return result
    if not text.startswith("[", position):
        raise ImportFileError(path, "not a JSON array of postings (it does not start with '[')",
                              line=text.count("\n", 0, position) + 1)
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            line = text.count("\n", 0, position) + 1
            try:
                record, position = decoder.raw_decode(text, position)
            except json.JSONDecodeError as error:
                raise ImportFileError(path, f"not a valid JSON array ({error.msg}, column {error.colno})",
                                      line=error.lineno) from None
            _add_record(result, path, line, record, source)
            position = _skip_space(text, position)
            if text.startswith(",", position):
                position = _skip_space(text, position + 1)
                continue
            if text.startswith("]", position):
                position += 1
                break
            raise ImportFileError(path, "not a valid JSON array (expected ',' or ']')",
                                  line=text.count("\n", 0, position) + 1)
    if _skip_space(text, position) != len(text):
        raise ImportFileError(path, "not valid JSON: something follows the array", line=text.count("\n", 0, position) + 1)
    result.described = f"a JSON array of {len(result.postings) + len(result.bad_lines)} record(s)"
    return result


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _add_record(result: ReadResult, path: str, line: int, record: Any, source: str) -> None:
    if not isinstance(record, dict):
        result.bad_lines.append(BadLine(path, line, "expected a JSON object"))
        return
    try:
        result.postings.append(posting_from_record(record, source))
    except ValueError as error:
        result.bad_lines.append(BadLine(path, line, str(error)))


def _read_csv(path: str, text: str, fmt: str, source: str) -> ReadResult:
    result = ReadResult(format=fmt, described=DESCRIPTIONS[fmt])
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

