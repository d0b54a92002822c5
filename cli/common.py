"""What every command shares: the store option, user-error types, JSON output, the cache folder."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from jobmatch.crawler.errors import CrawlerError
from jobmatch.matcher.errors import MatcherError
from jobmatch.taxonomy.errors import TaxonomyError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNHEALTHY = 0, 1, 2, 3
USER_ERRORS: tuple[type[Exception], ...] = (CrawlerError, TaxonomyError, MatcherError)
F = TypeVar("F", bound=Callable[..., Any])


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_root().ensure_object(dict)["db"] = value


def db_option(function: F) -> F:
    """``--db`` before or after the subcommand; the later one wins."""
    return click.option(
        "--db", metavar="PATH_OR_URL", envvar="JOBMATCH_DB", expose_value=False, callback=_remember_db,
        is_eager=True, help="Store: a SQLite file or a SQLAlchemy URL (env JOBMATCH_DB).",
    )(function)


def home_dir() -> Path:
    return Path(os.environ.get("JOBMATCH_HOME") or click.get_app_dir("jobmatch"))


def store_location(ctx: click.Context) -> str:
    chosen = (ctx.find_root().obj or {}).get("db")
    if chosen:
        return chosen
    home = home_dir()
    home.mkdir(parents=True, exist_ok=True)
    return str(home / "jobmatch.db")


def open_store(ctx: click.Context):  # -> jobmatch.crawler.store.Store (imported lazily: SQLAlchemy)
    from jobmatch.crawler.store import Store

    store = Store(store_location(ctx))
    ctx.call_on_close(store.close)
    return store


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def overlay_path() -> str | None:
    """The user's taxonomy overlay: JOBMATCH_TAXONOMY, else taxonomy.yaml in JOBMATCH_HOME if present."""
    chosen = os.environ.get("JOBMATCH_TAXONOMY")
    if chosen:
        return chosen
    candidate = home_dir() / "taxonomy.yaml"
    return str(candidate) if candidate.is_file() else None


def load_taxonomy():  # -> jobmatch.taxonomy.model.Taxonomy
    from jobmatch.taxonomy.loading import load_taxonomy as load

    return load(overlay_path(), str(home_dir() / "cache"))


def progress(total: int, description: str):
    """A progress bar on stderr when stderr is a terminal; silent under cron and in pipes."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, disable=not console.is_terminal or total < 50, transient=True)


def usage_error(ctx: click.Context, message: str) -> None:
    """A wrong option value: one line on stderr and exit code 2 (click's own usage errors also exit 2)."""
    click.echo(f"Error: {message}", err=True)
    ctx.exit(EXIT_USAGE)


# Caches -------------------------------------------------------------------------------------
# Everything under JOBMATCH_HOME/cache can be rebuilt: the ranking's skill matrix per store
# (index-*.pickle, each starting with a JSON line naming its store), the parsed taxonomy
# (taxonomy-*.pickle) and the bundled sample as a store (sample.db). A cache is superseded when a
# newer one for the same store is written; `jobmatch store prune` also drops the caches of stores
# that are gone.

TEMPORARY_MAX_AGE = 3600.0  # seconds: a temp file this old was left by a killed process


def cache_dir() -> Path:
    return home_dir() / "cache"


def index_cache_path(identity: str) -> Path:
    """Where the skill matrix of the store named ``identity`` (``Store.identity``) is cached."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"index-{digest}.pickle"


@dataclass
class CacheFile:
    path: Path
    kind: str  # index | taxonomy | sample | temporary | other
    size: int
    modified: float
    store: str | None = None  # the store an index cache was built from (its identity)
    key: str | None = None  # what the index was built for: "<store token>#<generation>|<taxonomy key>"

    @property
    def legacy(self) -> bool:
        """An index cache without a header: written by an older jobmatch, never read again."""
        return self.kind == "index" and self.store is None


def list_caches() -> list[CacheFile]:
    """Every file in the cache folder, with what it is (index headers read, nothing unpickled)."""
    from jobmatch.matcher.index import PostingIndex

    folder = cache_dir()
    found: list[CacheFile] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        try:
            stat = path.stat()
        except OSError:
            continue
        if not path.is_file():
            continue
        name = path.name
        if name.endswith(".tmp"):
            kind = "temporary"
        elif name.startswith("index-") and name.endswith(".pickle"):
            kind = "index"
        elif name.startswith("taxonomy-") and name.endswith(".pickle"):
            kind = "taxonomy"
        elif name.startswith("sample.db"):
            kind = "sample"
        else:
            kind = "other"
        cache = CacheFile(path, kind, stat.st_size, stat.st_mtime)
        if kind == "index":
            header = PostingIndex.read_header(path) or {}
            cache.store = header.get("store") if isinstance(header.get("store"), str) else None
            cache.key = header.get("key") if isinstance(header.get("key"), str) else None
        found.append(cache)
    return found


def superseded_caches(caches: list[CacheFile], current: Path) -> list[tuple[CacheFile, str]]:
    """The caches that ``current`` (an index cache just written) makes useless: other caches of the
    same store, index caches of an older format, and temporary files left by killed processes."""
    mine = next((cache for cache in caches if cache.path == current), None)
    now = time.time()
    stale = []
    for cache in caches:
        if cache.path == current:
            continue
        if cache.kind == "index" and mine is not None and cache.store == mine.store:
            stale.append((cache, "superseded by a newer cache of the same store"))
        elif cache.legacy:
            stale.append((cache, "written by an older jobmatch"))
        elif cache.kind == "temporary" and now - cache.modified > TEMPORARY_MAX_AGE:
            stale.append((cache, "left by an interrupted process"))
    return stale


def remove_caches(stale: list[tuple[CacheFile, str]]) -> int:
    """Delete these cache files (one gone already is fine); returns the bytes freed."""
    freed = 0
    for cache, _reason in stale:
        try:
            cache.path.unlink()
            freed += cache.size
        except FileNotFoundError:
            pass
        except OSError:
            continue
    return freed
