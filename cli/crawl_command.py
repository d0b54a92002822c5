"""``jobmatch crawl``: crawl the job boards of a sources file into the store."""

from __future__ import annotations

import sys
from typing import Any

import click

from jobmatch.cli.common import EXIT_UNHEALTHY, db_option, home_dir, print_json, store_location
from jobmatch.cli.worker_command import distributed_options, enqueue_and_maybe_wait

COLUMNS = ("new", "updated", "unchanged", "closed", "filtered")


def _setting(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), setting


@click.command("crawl")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False),
              help="Sources YAML file (default: the bundled list of ML employers).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or JOBMATCH_ setting (repeatable), e.g. -s DOWNLOAD_TIMEOUT=10.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Summary format on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's log at INFO level on stderr, with tracebacks.")
@click.option("--log-file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Append Scrapy's full log (INFO, with tracebacks) to FILE; stderr stays one line a message.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: only when stderr is a terminal).")
@distributed_options
@db_option
@click.pass_context
def crawl_command(ctx: click.Context, sources_file: str | None, settings: tuple[str, ...], fmt: str,
                  verbose: bool, log_file: str | None, progress: bool | None, distributed: bool, wait: bool) -> None:
    """Crawl the job boards in a sources file into the store, then print a summary per source
    (new, updated, unchanged, closed, failed).

    Quiet enough for cron: a healthy crawl writes nothing to stderr; a failed source is one
    `FAILED name: reason` line, Scrapy's warnings one line each, and a last line sums up (and says
    when the network looks unreachable). -v, --log-file or --traceback show the full detail.

    Exit code 0 when every source answered, 3 when any failed or returned nothing it should have,
    1 on a bad sources file, an unusable store or a busy lock.

    With --distributed, one task per source goes to the team's queue (PostgreSQL store) for the
    workers on any host; a source already queued or being crawled is not queued again, and a
    whole crawl never runs beside them (a PostgreSQL advisory lock, like the file lock here).
    """
    if distributed:
        _crawl_distributed(ctx, sources_file, settings, wait)
        return
    from jobmatch.crawler.lock import lock_path_for
    from jobmatch.crawler.runner import CrawlLogging, run_crawl
    from jobmatch.crawler.sources import load_sources

    config = load_sources(sources_file)
    overrides: dict[str, Any] = dict(_setting(value) for value in settings)
    location = store_location(ctx)
    log = CrawlLogging(verbose=verbose, tracebacks=bool((ctx.find_root().obj or {}).get("traceback")),
                       log_file=log_file)
    show_progress = sys.stderr.isatty() if progress is None else progress
    display = _ProgressDisplay(len(config.sources)) if show_progress else None
    try:
        result = run_crawl(config, location, lock_path_for(location, home_dir()), overrides,
                           on_source_finished=display.advance if display else None, log=log)
    finally:
        if display:
            display.stop()
    if result.stale_lock:
        click.echo(f"Took over a stale crawl lock (pid {result.stale_lock.get('pid')}, started "
                   f"{result.stale_lock.get('started_at')}).", err=True)
    if fmt == "json":
        print_json({"run_id": result.run_id, "healthy": result.health.exit_code == 0,
                    "totals": result.health.totals, "sources": [s.as_dict() for s in result.sources]})
    else:
        _print_table(result)
    for line in result.health.failures:
        click.echo(f"FAILED {line}", err=True)
    if result.health.exit_code:
        click.echo(summary_line(result), err=True)
        ctx.exit(EXIT_UNHEALTHY)


def _crawl_distributed(ctx: click.Context, sources_file: str | None, settings: tuple[str, ...], wait: bool) -> None:
    from jobmatch.cli.operations import sources_tasks_payloads
    from jobmatch.cli.task_queue import CRAWL, Task, dedupe_key, queue_dsn, require_team_extra

    queue_dsn(store_location(ctx))  # a SQLite store is refused before any work
    require_team_extra()
    overrides = dict(_setting(value) for value in settings)
    tasks = [Task(CRAWL, {**payload, "settings": overrides}, dedupe_key(CRAWL, [payload["source"]]))
             for payload in sources_tasks_payloads(sources_file)]
    enqueue_and_maybe_wait(ctx, tasks, what="crawl", wait=wait)


def summary_line(result: Any) -> str:
    """The last line of an unhealthy crawl on stderr (a healthy one prints nothing there)."""
    totals = result.health.totals
    if result.health.network_unreachable:
        return (f"Crawl run {result.run_id}: the network looks unreachable: all {totals['sources']} source(s) "
                "failed on DNS or connecting, before any answer; nothing was stored. Check the connection "
                "(or a proxy) and run it again.")
    return (f"Crawl run {result.run_id}: {totals['failed']} of {totals['sources']} source(s) failed; "
            + ", ".join(f"{totals.get(name, 0)} {name}" for name in COLUMNS[:4])
            + " from the others.")


def _print_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Crawl run {result.run_id}")
    table.add_column("source", overflow="fold")
    for name in COLUMNS:
        table.add_column(name, justify="right")
    table.add_column("status", overflow="fold")
    for source in result.sources:
        table.add_row(source.name, *(str(getattr(source, name)) for name in COLUMNS),
                      "FAILED" if source.failure else "ok")
    totals = result.health.totals
    table.add_row("total", *(str(totals.get(name, 0)) for name in COLUMNS),
                  f"{totals['failed']} failed" if totals["failed"] else "healthy")
    Console(width=None if sys.stdout.isatty() else 120).print(table)


class _ProgressDisplay:
    """A rich progress bar on stderr: sources finished, postings kept so far."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.kept = 0
        self.progress = Progress(TextColumn("[bold]crawl"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[kept]} postings kept"), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=False)
        self.task = self.progress.add_task("crawl", total=total, kept=0)
        self.progress.start()

    def advance(self, source: str, stats: dict[str, Any]) -> None:
        self.kept += int(stats.get("kept") or 0)
        self.progress.update(self.task, advance=1, kept=self.kept)

    def stop(self) -> None:
        self.progress.stop()
