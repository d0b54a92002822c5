"""``jobmatch import`` and ``jobmatch postings list|export``."""

from __future__ import annotations

import click

from jobmatch.cli.common import EXIT_ERROR, db_option, open_store, print_json, print_json_line
from jobmatch.crawler.importing import FORMATS, read_postings

MAX_BAD_LINES_SHOWN = 20


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Input format: jsonl (JSON Lines), json (a JSON array), csv or jobspy "
                   "[default: from the extension and the content].")
@click.option("--source", default="import", show_default=True, help="Source name for postings without one.")
@db_option
@click.pass_context
def import_command(ctx: click.Context, files: tuple[str, ...], fmt: str | None, source: str) -> None:
    """Add postings from FILES: JSON Lines, a JSON array, CSV with the export's columns, or JobSpy's
    CSV. Each file's line says what it was read as.

    Every file is read before anything is stored: a file that cannot be read at all is one line
    naming it, and nothing is imported. Bad records are reported with their line numbers (the first
    20) and skipped; the good ones land (exit code 1 if any was bad). Postings already stored (same
    id, or same content) are not stored twice.
    """
    results = [(path, read_postings(path, fmt, source=source)) for path in files]
    store = open_store(ctx)
    bad = 0
    for path, result in results:
        for line in result.bad_lines[:MAX_BAD_LINES_SHOWN]:
            click.echo(f"Skipped {line}", err=True)
        if len(result.bad_lines) > MAX_BAD_LINES_SHOWN:
            click.echo(f"Skipped {len(result.bad_lines) - MAX_BAD_LINES_SHOWN} more bad record(s) in {path}", err=True)
        bad += len(result.bad_lines)
        counts = store.upsert_postings(result.postings)
        click.echo(
            f"{path} ({result.described}): {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
            f"{counts.duplicates} duplicate, {len(result.bad_lines)} bad record(s)", err=True)
    if bad:
        ctx.exit(EXIT_ERROR)


@click.group("postings")
def postings_group() -> None:
    """List and export the stored postings."""


@postings_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--open-only", is_flag=True, help="Leave out closed postings.")
@db_option
@click.pass_context
def export_command(ctx: click.Context, fmt: str, open_only: bool) -> None:
    """Every posting as one JSON object a line (what ``import`` reads back)."""
    for posting in open_store(ctx).iter_postings(include_closed=not open_only):
        print_json_line(posting.to_record())


@postings_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--open-only", is_flag=True, help="Leave out closed postings.")
@db_option
@click.pass_context
def list_command(ctx: click.Context, fmt: str, open_only: bool) -> None:
    """The stored postings, without their descriptions."""
    postings = list(open_store(ctx).iter_postings(include_closed=not open_only, with_description=False))
    records = [{k: v for k, v in p.to_record().items() if k != "description"} for p in postings]
    if fmt == "json":
        print_json(records)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(records)} posting(s)")
    for column in ("id", "title", "company", "locations", "remote", "closed"):
        table.add_column(column, overflow="fold")
    for record in records:
        table.add_row(record["id"], record["title"], record["company"] or "", ", ".join(record["locations"]),
                      {True: "yes", False: "no", None: ""}[record["remote"]], record["closed_at"] or "")
    Console().print(table)
