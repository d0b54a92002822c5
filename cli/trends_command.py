"""``jobmatch trends``: how demand for skills moved across the stored crawl history."""

from __future__ import annotations

import click

from jobmatch.cli.common import db_option, load_taxonomy, open_store, print_json
from jobmatch.cli.extraction_runs import fill_extractions

SPARKS = "▁▂▃▄▅▆▇█"
RUN_COLUMNS = 6


@click.command("trends")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many skills to follow.")
@db_option
@click.pass_context
def trends_command(ctx: click.Context, fmt: str, top: int) -> None:
    """How demand for the most-asked skills moved across the crawl runs in the store: at each
    finished run, the postings open then and the share of them asking for each skill."""
    from jobmatch.matcher.trends import skill_trends
    from jobmatch.taxonomy.versions import extraction_key

    store = open_store(ctx)
    taxonomy = load_taxonomy()
    runs = store.crawl_runs()
    finished = [run for run in runs if run.get("finished_at")]
    if len(finished) >= 2:  # only then is there a trend worth extracting closed postings for
        fill_extractions(store, taxonomy, include_closed=True)
        records = store.extractions(extraction_key(taxonomy), include_closed=True)
    else:
        records = []
    trends = skill_trends(finished, records, taxonomy, top=top)
    note = None if trends["enough_history"] else (
        f"Trends need at least two finished crawl runs; the store has {len(finished)}. "
        "Run `jobmatch crawl` again on another day (e.g. nightly, see docs/nightly.md).")
    if fmt == "json":
        print_json({**trends, "note": note})
        return
    if note:
        click.echo(note)
        return
    _print_table(trends)


def _print_table(trends: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    runs = trends["runs"]
    shown = runs[-RUN_COLUMNS:]
    click.echo(f"{len(runs)} crawl runs ({runs[0]['at'][:10]} to {runs[-1]['at'][:10]}); open postings "
               f"{runs[0]['open_postings']} -> {runs[-1]['open_postings']}.")
    table = Table(title="Share of open postings asking for each skill", title_justify="left")
    table.add_column("skill")
    for run in shown:
        table.add_column(f"{run['at'][:10]}\n{run['open_postings']} open", justify="right")
    table.add_column("change", justify="right")
    table.add_column("trend")
    for skill in trends["skills"]:
        shares = skill["shares"]
        cells = [f"{100 * share:.0f}%" for share in shares[-RUN_COLUMNS:]]
        change = 100 * skill["change"]
        table.add_row(skill["label"], *cells, f"{change:+.0f} pts", sparkline(shares))
    Console().print(table)


def sparkline(values: list[float]) -> str:
    values = values[-40:]
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return SPARKS[len(SPARKS) // 2] * len(values)
    return "".join(SPARKS[round((v - low) / (high - low) * (len(SPARKS) - 1))] for v in values)
