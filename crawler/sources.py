"""The sources file: which boards to crawl, where their APIs live, and the relevance filter.

YAML, read with ``yaml.safe_load`` and validated here; every error names the file, the entry
(by index) and the field. See docs/cli.md (the sources file) for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from jobmatch.crawler.boards import boards
from jobmatch.crawler.boards.base import Board
from jobmatch.crawler.errors import SourceError
from jobmatch.crawler.relevance import RelevanceFilter, relevance_filter_from_config

# Every board type, from the boards' own declarations (``jobmatch.crawler.boards``).
BOARD_TYPES: dict[str, Board] = boards()
COMMON_KEYS = ("type", "name", "base_url", "company_name")


@dataclass(frozen=True)
class Source:
    """One board to crawl. ``name`` is the store's ``source`` for its postings."""

    name: str
    type: str
    key: str | None = None
    urls: tuple[str, ...] = ()
    base_url: str | None = None
    company_name: str | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def board(self) -> Board:
        return BOARD_TYPES[self.type]

    def api_host(self) -> str:
        """The scheme and host of the board's real API for this source (its key and options filled in)."""
        return self.board.api_host(self.key, self.options)

    def api_url(self, path_and_query: str) -> str:
        """The board API's URL for a path: on its real host, or on ``base_url`` when one is set."""
        return rebase_url(f"{self.api_host()}{path_and_query}", self.base_url)

    def option(self, name: str) -> str | None:
        """An option's value, else the board's default for it."""
        if name in self.options:
            return self.options[name]
        declared = self.board.option(name)
        return declared.default if declared else None

    def page_url(self, url: str) -> str:
        """A URL the board named (a listed page, a next-page link), moved to ``base_url`` if set."""
        return rebase_url(url, self.base_url)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type}


@dataclass(frozen=True)
class SourcesConfig:
    """A whole sources file: its sources and the relevance filter (None keeps every posting)."""

    sources: list[Source]
    relevance: RelevanceFilter | None
    path: str = "<sources>"

    def of_type(self, board_type: str) -> list[Source]:
        return [source for source in self.sources if source.type == board_type]


def rebase_url(url: str, base_url: str | None) -> str:
    """Replace the scheme and host of ``url`` with those of ``base_url``; keep the path and query.

    A path in ``base_url`` (a mirror under a prefix) goes in front of the URL's path.
    """
    if not base_url:
        return url
    base = urlsplit(base_url)
    parts = urlsplit(url)
    prefix = base.path.rstrip("/")
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, ""))


def default_sources_path() -> Path:
    return Path(str(resources.files("jobmatch.crawler") / "data" / "default_sources.yaml"))


def load_sources(path: str | Path | None = None) -> SourcesConfig:
    """Read and validate a sources file (the bundled one when ``path`` is None)."""
    path = Path(path) if path is not None else default_sources_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(f"{path}: no such sources file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, not a sources file") from None
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SourceError(f"{where}: not valid YAML: {problem}") from None
    return parse_sources(data, str(path))


def parse_sources(data: Any, filename: str = "<sources>") -> SourcesConfig:
    """Validate the parsed YAML of a sources file."""
    if not isinstance(data, dict):
        raise SourceError(f"{filename}: expected a mapping with a 'sources' list")
    unknown = set(data) - {"sources", "filter"}
    if unknown:
        raise SourceError(f"{filename}: unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}")
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourceError(f"{filename}: 'sources' must be a non-empty list")
    try:
        relevance = relevance_filter_from_config(data.get("filter"))
    except ValueError as error:
        raise SourceError(f"{filename}: {error}") from None
    sources = [_source(entry, filename, index) for index, entry in enumerate(entries)]
    seen: dict[str, int] = {}
    for index, source in enumerate(sources):
        if source.name in seen:
            raise SourceError(f"{filename}: sources[{index}].name: '{source.name}' already used by "
                              f"sources[{seen[source.name]}] (give one a different 'name')")
        seen[source.name] = index
    return SourcesConfig(sources=sources, relevance=relevance, path=filename)


def _source(entry: Any, filename: str, index: int) -> Source:
    where = f"{filename}: sources[{index}]"
    if not isinstance(entry, dict):
        raise SourceError(f"{where}: expected a mapping with a 'type'")
    board_type = entry.get("type")
    if board_type not in BOARD_TYPES:
        raise SourceError(f"{where}.type: expected one of {', '.join(BOARD_TYPES)}, got {board_type!r}")
    spec = BOARD_TYPES[board_type]
    option_names = tuple(option.name for option in spec.options)
    allowed = set(COMMON_KEYS) | set(option_names) | ({spec.key} if spec.key else set())
    for key in entry:
        if key not in allowed:
            raise SourceError(f"{where}.{key}: unknown field for a {board_type} source "
                              f"(allowed: {', '.join(sorted(map(str, allowed)))})")
    for key in ("name", "base_url", "company_name"):
        if key in entry and not _is_text(entry[key]):
            raise SourceError(f"{where}.{key}: expected a non-empty string")
    base_url = entry.get("base_url")
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(f"{where}.base_url: expected http(s)://host[:port], got {base_url!r}")
    key: str | None = None
    urls: tuple[str, ...] = ()
    if spec.key == "urls":
        value = entry.get("urls")
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise SourceError(f"{where}.urls: required, a list of page URLs")
        for position, url in enumerate(value):
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
                raise SourceError(f"{where}.urls[{position}]: expected an http(s) URL, got {url!r}")
        urls = tuple(value)
    elif spec.key:
        value = _scalar_text(entry.get(spec.key))
        if value is None or not re.fullmatch(spec.key_pattern, value):
            raise SourceError(f"{where}.{spec.key}: required for a {board_type} source, {spec.key_help}")
        key = value
    options = {}
    for option in spec.options:
        if option.name not in entry:
            if option.required:
                raise SourceError(f"{where}.{option.name}: required for a {board_type} source"
                                  + (f", {option.help}" if option.help else ""))
            continue
        value = _scalar_text(entry[option.name])
        if value is None:
            raise SourceError(f"{where}.{option.name}: expected a non-empty string")
        if option.choices and value not in option.choices:
            leave = "" if option.required else " (or leave it out)"
            raise SourceError(f"{where}.{option.name}: expected {' or '.join(map(repr, option.choices))}{leave}, "
                              f"got {value!r}")
        if option.pattern and not re.fullmatch(option.pattern, value):
            raise SourceError(f"{where}.{option.name}: expected {option.pattern_help or option.pattern}, "
                              f"got {value!r}")
        options[option.name] = value
    name = entry.get("name") or _default_name(board_type, key, urls)
    return Source(name=name.strip(), type=board_type, key=key, urls=urls, base_url=base_url,
                  company_name=entry.get("company_name"), options=options)


def _scalar_text(value: Any) -> str | None:
    """A key or option: a non-empty string (a YAML number such as a thread id counts), stripped."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if _is_text(value) else None


def _default_name(board_type: str, key: str | None, urls: tuple[str, ...]) -> str:
    if key:
        return f"{board_type}:{key}"
    if urls:
        return f"{board_type}:{urlsplit(urls[0]).netloc}"
    return board_type


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


# Adding a source from a URL (``jobmatch sources add``) ------------------------------------------


def known_url_forms() -> list[str]:
    """Each board's main URL form (its first careers-page form), without the scheme: the kinds
    ``sources add`` knows."""
    kinds = []
    for board in BOARD_TYPES.values():
        pages = [form for form in board.url_forms if "/api" not in form.form and "api." not in form.form]
        if pages or board.url_forms:
            kinds.append((pages or list(board.url_forms))[0].form.removeprefix("https://"))
    return kinds


def entry_from_url(url: str, board_type: str | None = None) -> dict[str, Any]:
    """The sources-file entry for a careers-page or board API URL (validated).

    ``board_type`` forces a type: ``jsonld`` for any page with schema.org JobPosting, ``rss`` for
    any feed, or a board type the URL must then be of."""
    from jobmatch.crawler.boards import recognise_url

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourceError(f"not a URL jobmatch can read: {url!r} (expected an http(s) URL)")
    if board_type is not None and board_type not in BOARD_TYPES:
        raise SourceError(f"unknown board type {board_type!r} (expected one of {', '.join(BOARD_TYPES)})")
    if board_type is not None and BOARD_TYPES[board_type].key == "urls":
        entry: dict[str, Any] = {"type": board_type, "urls": [url]}
    else:
        found = recognise_url(url)
        if found is None or (board_type is not None and found[0].type != board_type):
            kinds = ", ".join(known_url_forms())
            raise SourceError(f"not a board jobmatch can read: {url} (it knows {kinds}; docs/sources.md lists every "
                              "form; a career page with schema.org JobPosting: --type jsonld)")
        board, fields = found
        entry = {"type": board.type}
        if board.key:
            entry[board.key] = fields.pop(board.key)
        for option in board.options:
            if option.name in fields:
                entry[option.name] = fields.pop(option.name)
    _source(entry, "<url>", 0)
    return entry


@dataclass(frozen=True)
class Added:
    """What ``add_source`` did: ``added`` (written), or ``exists`` (the same board already listed)."""

    status: str
    source: Source
    path: Path
    comments_kept: bool = True


def _same_board(a: Source, b: Source) -> bool:
    return (a.type, a.key, a.urls, a.options) == (b.type, b.key, b.urls, b.options)


def add_source(path: str | Path, entry: dict[str, Any]) -> Added:
    """Append ``entry`` to the sources file at ``path`` (created when missing), atomically.

    The file is edited as text (one flow-style line at the end of ``sources``), so its comments and
    layout stay; the result is parsed back and must be the old file plus this entry. An entry whose
    board is already listed is not added again. A default name already taken by another source of
    the same key (two Workday sites of one tenant) gets the first option's value appended."""
    path = Path(path)
    entry = dict(entry)
    if path.exists():
        config = load_sources(path)
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    else:
        config, text, data = None, "", None
    new = _source(entry, str(path), len(config.sources) if config else 0)
    if config is not None:
        for existing in config.sources:
            if _same_board(existing, new):
                return Added("exists", existing, path)
        names = {source.name for source in config.sources}
        if new.name in names:
            if "name" in entry:
                raise SourceError(f"{path}: the name '{new.name}' is already used (choose another --name)")
            taken = next(source for source in config.sources if source.name == new.name)
            suffix = next((value for name, value in new.options.items() if taken.options.get(name) != value), None)
            candidates = [f"{new.name}:{suffix}"] if suffix else []
            candidates += [f"{new.name}-{n}" for n in range(2, 100)]
            entry["name"] = next(candidate for candidate in candidates if candidate not in names)
            new = _source(entry, str(path), len(config.sources))
    line = entry_line(entry)
    kept = True
    if data is None:
        updated = f"filter: default\nsources:\n  - {line}\n"
    else:
        updated = _append_to_sources_block(text, line)
        if updated is None or _parsed(updated) != {**data, "sources": [*data["sources"], entry]}:
            kept = False  # a layout the text edit cannot follow: write the data back as YAML
            updated = yaml.safe_dump({**data, "sources": [*data["sources"], entry]}, sort_keys=False,
                                     allow_unicode=True, width=110)
    parse_sources(yaml.safe_load(updated), str(path))
    _write_atomically(path, updated)
    return Added("added", new, path, comments_kept=kept)


def entry_line(entry: dict[str, Any]) -> str:
    """A source entry as one flow-style YAML line, as ``sources add`` writes it."""
    return yaml.safe_dump(entry, default_flow_style=True, sort_keys=False, width=10**6, allow_unicode=True).strip()


def _parsed(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _append_to_sources_block(text: str, line: str) -> str | None:
    """``text`` with ``- line`` after the last item of the top-level ``sources:`` block list."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, row in enumerate(lines) if re.match(r"sources\s*:\s*(#.*)?$", row.rstrip("\r\n"))), None)
    if start is None:
        return None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if re.match(r"[^\s#-]", lines[i]) or lines[i].startswith(("---", "...")):
            end = i
            break
    items = [i for i in range(start + 1, end) if re.match(r"\s*- ", lines[i])]
    if not items:
        return None
    indent = re.match(r"(\s*)- ", lines[items[0]]).group(1)
    last = max(i for i in range(start + 1, end) if lines[i].strip() and not lines[i].lstrip().startswith("#"))
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"{indent}- {line}\n")
    return "".join(lines)


def _write_atomically(path: Path, text: str) -> None:
    import os
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else None
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise SourceError(f"{path}: cannot write the sources file: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SourceError(f"{path}: cannot write the sources file: {error.strerror or error}") from None
