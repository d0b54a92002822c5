"""``jobmatch sources``: add a board from its careers-page URL, list a sources file, check its boards."""

from __future__ import annotations

import sys
from typing import Any

import click

from jobmatch.cli.common import EXIT_ERROR, EXIT_UNHEALTHY, print_json

DEFAULT_FILE = "sources.yaml"


def _settings(values: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="-s")
        settings[name.strip()] = setting
    return settings


SET_OPTION = click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
                          help="Override a Scrapy or JOBMATCH_ setting for the probe (repeatable).")


@click.group("sources")
def sources_group() -> None:
    """The boards a crawl reads: add one from a careers-page URL, list a sources file, check that
    its boards still answer.

    `docs/sources.md` lists every board type and the URL forms `sources add` recognises.
    """


@sources_group.command("add")
@click.argument("url")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), default=DEFAULT_FILE, show_default=True,
              help="The sources file to add to (created when missing).")
@click.option("--name", help="The source's name in the store and the summary (default: type:key).")
@click.option("--company-name", help="The employer's name, for boards that do not give it.")
@click.option("--base-url", metavar="URL", help="Fetch from this scheme and host instead (mirrors, tests).")
@click.option("--type", "board_type", metavar="TYPE",
              help="Force the board type: jsonld for any career page with schema.org JobPosting, rss for any feed.")
@click.option("--probe", is_flag=True, help="Fetch the board once first; add it only if it answers with its jobs.")
@SET_OPTION
def add_command(url: str, sources_file: str, name: str | None, company_name: str | None, base_url: str | None,
                board_type: str | None, probe: bool, settings: tuple[str, ...]) -> None:
    """Recognise the board behind a careers-page (or board API) URL and add it to a sources file.

    \b
    jobmatch sources add https://boards.greenhouse.io/acme
    jobmatch sources add https://acme.wd5.myworkdayjobs.com/External --sources my-sources.yaml
    jobmatch sources add https://acme.example/careers/ml-engineer --type jsonld

    The file is edited in place (its comments kept) and written atomically; a board already listed
    is not added twice. Crawl it with `jobmatch crawl --sources FILE`.
    """
    from jobmatch.crawler.sources import add_source, entry_from_url, parse_sources

    entry: dict[str, Any] = entry_from_url(url, board_type)
    for field, value in (("name", name), ("company_name", company_name), ("base_url", base_url)):
        if value:
            entry[field] = value
    if probe:
        from jobmatch.crawler.probe import check_sources

        (found,) = check_sources(parse_sources({"sources": [entry], "filter": "none"}), _settings(settings))
        if found.status in ("gone", "failed"):
            click.echo(f"Error: {found.name}: {found.reason}; not added ({found.fix}).", err=True)
            click.get_current_context().exit(EXIT_ERROR)
        click.echo(f"{found.name}: {found.status}, {found.jobs} job(s) listed.", err=True)
    result = add_source(sources_file, entry)
    where = click.format_filename(str(result.path))
    if result.status == "exists":
        click.echo(f"{result.source.name} ({result.source.type}) is already in {where}; nothing added.", err=True)
        return
    if not result.comments_kept:
        click.echo(f"Note: {where} was rewritten as plain YAML (its layout could not be edited in place).",
                   err=True)
    click.echo(f"Added {result.source.name} ({result.source.type}) to {where}. "
               f"Crawl it with: jobmatch crawl --sources {where}", err=True)


@sources_group.command("list")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False),
              help="Sources YAML file (default: the bundled list of ML employers).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_command(sources_file: str | None, fmt: str) -> None:
    """List the sources of a sources file: name, type, key and where its API lives."""
    from jobmatch.crawler.sources import load_sources

    config = load_sources(sources_file)
    rows = []
    for source in config.sources:
        where = ", ".join(source.urls) if source.urls else source.api_url("")
        rows.append({"name": source.name, "type": source.type, "key": source.key, "options": source.options,
                     "company_name": source.company_name, "base_url": source.base_url, "api": where})
    if fmt == "json":
        print_json({"path": config.path, "filter": config.relevance is not None, "sources": rows})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} source(s) in {config.path}")
    for column in ("name", "type", "key", "api"):
        table.add_column(column, overflow="fold")
    for row in rows:
        key = row["key"] or ""
        if row["options"]:
            key = " ".join(filter(None, [key, *(f"{k}={v}" for k, v in row["options"].items())]))
        table.add_row(row["name"], row["type"], key, row["api"])
    Console(width=None if sys.stdout.isatty() else 120).print(table)


@sources_group.command("check")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False),
              help="Sources YAML file (default: the bundled list of ML employers).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@SET_OPTION
def check_command(sources_file: str | None, fmt: str, settings: tuple[str, ...]) -> None:
    """Fetch every source once (nothing is stored) and report the dead ones and how to fix them.

    Exit code 0 when every board answered (an empty one is reported, not failed), 3 when any is gone
    or failing: one `DEAD name: reason` line each on stderr, with what to do.
    """
    from jobmatch.crawler.probe import check_sources
    from jobmatch.crawler.sources import load_sources

    verdicts = check_sources(load_sources(sources_file), _settings(settings))
    if fmt == "json":
        print_json({"sources": [v.as_dict() for v in verdicts]})
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(verdicts)} source(s) checked")
        for column in ("name", "type", "status", "jobs"):
            table.add_column(column, overflow="fold", justify="right" if column == "jobs" else "left")
        for v in verdicts:
            table.add_row(v.name, v.type, v.status, str(v.jobs))
        Console(width=None if sys.stdout.isatty() else 120).print(table)
    dead = [v for v in verdicts if v.status in ("gone", "failed")]
    for v in dead:
        click.echo(f"DEAD {v.name}: {v.reason} -> {v.fix}", err=True)
    for v in verdicts:
        if v.status == "empty":
            click.echo(f"EMPTY {v.name}: {v.fix}", err=True)
    if dead:
        click.echo(f"{len(dead)} of {len(verdicts)} source(s) are dead.", err=True)
        click.get_current_context().exit(EXIT_UNHEALTHY)
