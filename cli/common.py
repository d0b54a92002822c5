"""What every command shares: the store option, user-error types, JSON output, the cache folder."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from jobmatch.cli.operations import OperationError
from jobmatch.crawler.errors import CrawlerError
from jobmatch.matcher.errors import MatcherError
from jobmatch.taxonomy.errors import TaxonomyError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNHEALTHY = 0, 1, 2, 3
USER_ERRORS: tuple[type[Exception], ...] = (CrawlerError, TaxonomyError, MatcherError, OperationError)
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
    from jobmatch.cli.operations import taxonomy_overlay

    return taxonomy_overlay(home_dir())


def load_taxonomy():  # -> jobmatch.taxonomy.model.Taxonomy
    from jobmatch.cli.operations import load_user_taxonomy

    return load_user_taxonomy(home_dir())


def workspace(ctx: click.Context):  # -> jobmatch.cli.operations.Workspace
    """Where this command's home folder and store are (--db, JOBMATCH_DB, JOBMATCH_HOME)."""
    from jobmatch.cli.operations import Workspace

    return Workspace(home_dir(), store_location(ctx))


def echo_stderr(message: str) -> None:
    """The commands' ``notify``: a message for the person, one line on stderr."""
    click.echo(message, err=True)


def progress(total: int, description: str):
    """A progress bar on stderr when stderr is a terminal; silent under cron and in pipes."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, disable=not console.is_terminal or total < 50, transient=True)


@contextmanager
def progress_callback(description: str) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing the progress bar above; stopped on leaving."""
    bars: list[Any] = []

    def advance(done: int, total: int) -> None:
        if not bars:
            bar = progress(total, description)
            bar.start()
            bars.append((bar, bar.add_task(description, total=total)))
        bar, task = bars[0]
        bar.update(task, completed=done)

    try:
        yield advance
    finally:
        for bar, _task in bars:
            bar.stop()


def usage_error(ctx: click.Context, message: str) -> None:
    """A wrong option value: one line on stderr and exit code 2 (click's own usage errors also exit 2)."""
    click.echo(f"Error: {message}", err=True)
    ctx.exit(EXIT_USAGE)


def cache_dir() -> Path:
    """JOBMATCH_HOME/cache: everything in it can be rebuilt (see jobmatch.cli.caches)."""
    return home_dir() / "cache"

