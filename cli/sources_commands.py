"""``jobmatch sources``: add a board from its careers-page URL, list a sources file's boards."""

from __future__ import annotations

import sys
from typing import Any

import click

from jobmatch.cli.common import print_json

DEFAULT_FILE = "sources.yaml"


@click.group("sources")
def sources_group() -> None:
    """The boards a crawl reads: add one from a careers-page URL, list a sources file.

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
def add_command(url: str, sources_file: str, name: str | None, company_name: str | None, base_url: str | None,
                board_type: str | None) -> None:
    """Recognise the board behind a careers-page (or board API) URL and add it to a sources file.

    \b
    jobmatch sources add https://boards.greenhouse.io/acme
    jobmatch sources add https://acme.wd5.myworkdayjobs.com/External --sources my-sources.yaml
    jobmatch sources add https://acme.example/careers/ml-engineer --type jsonld

    The file is edited in place (its comments kept) and written atomically; a board already listed
    is not added twice. Crawl it with `jobmatch crawl --sources FILE`.
    """
    from jobmatch.crawler.sources import add_source, entry_from_url

    entry: dict[str, Any] = entry_from_url(url, board_type)
    for field, value in (("name", name), ("company_name", company_name), ("base_url", base_url)):
        if value:
            entry[field] = value
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
