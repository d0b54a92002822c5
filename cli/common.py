"""What every command shares: the store option, user-error types, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from jobmatch.crawler.errors import CrawlerError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNHEALTHY = 0, 1, 2, 3
USER_ERRORS: tuple[type[Exception], ...] = (CrawlerError,)
F = TypeVar("F", bound=Callable[..., Any])


def register_user_errors(*types: type[Exception]) -> None:
    """Parts loaded lazily add their error base classes here."""
    global USER_ERRORS
    USER_ERRORS = (*USER_ERRORS, *types)


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
