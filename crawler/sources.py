"""The sources file: which boards to crawl, where their APIs live, and the relevance filter.

YAML, read with ``yaml.safe_load`` and validated here; every error names the file, the entry
(by index) and the field. See CLI.md (Crawling) for the format.
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
