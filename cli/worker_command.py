"""``jobmatch worker``, and the side of ``--distributed`` that queues tasks and waits for them."""

from __future__ import annotations

from collections.abc import Sequence

import click

from jobmatch.cli.common import db_option, progress_callback, store_location, workspace


@click.command("worker")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1),
              help="How many worker processes to run on this host (one per core for extraction).")
@db_option
@click.pass_context
def worker_command(ctx: click.Context, concurrency: int) -> None:
    """Run the team queue's tasks on this host until stopped (SIGTERM or Ctrl-C): crawl one source,
    extract one batch of postings, rank and report one profile.

    The queue lives in the store's PostgreSQL database (JOBMATCH_DB=postgresql+psycopg://...);
    `crawl`, `extract` and `report --profiles` with --distributed fill it. Needs the team extra:
    pip install "jobmatch[team]". A worker logs one line a task on stderr.
    """
    import os

    from jobmatch.cli.worker import run_workers

    if (ctx.find_root().obj or {}).get("traceback"):
        os.environ["JOBMATCH_WORKER_TRACEBACKS"] = "1"  # the worker processes inherit it
    ctx.exit(run_workers(workspace(ctx), concurrency))


def enqueue_and_maybe_wait(ctx: click.Context, tasks: Sequence, *, what: str, wait: bool,
                           already: Sequence[int] = (), timeout: float | None = None) -> None:
    """Queue the tasks; with ``wait``, show progress until every one (and the ``already`` queued
    ones this work includes) is done, and fail (exit 1) naming the tasks that failed."""
    from jobmatch.cli.task_queue import enqueue, wait_for

    location = store_location(ctx)
    queued = enqueue(location, tasks, also_wait_for=already)
    fresh = len(queued.ids) - queued.already
    click.echo(f"Queued {fresh} {what} task(s)" + (f"; {queued.already} were queued already" if queued.already
                                                   else "") + ".", err=True)
    if not wait or not queued.ids:
        if queued.ids:
            click.echo("Workers on any host take them: jobmatch worker (same JOBMATCH_DB).", err=True)
        return
    with progress_callback(f"Waiting for {what} tasks") as advance:
        state = wait_for(location, queued.ids, on_progress=advance, timeout=timeout,
                         notify=lambda message: click.echo(message, err=True))
    for line in state.failed:
        click.echo(f"FAILED {line}", err=True)
    click.echo(f"Done: {state.done} of {len(queued.ids)} {what} task(s)"
               + (f"; {len(state.failed)} failed" if state.failed else "") + ".", err=True)
    if state.failed:
        ctx.exit(1)


def distributed_options(function):
    """``--distributed`` and ``--wait``, the same on every command that can queue its work."""
    function = click.option("--wait", "wait", is_flag=True,
                            help="With --distributed: wait for the workers to finish, with progress.")(function)
    return click.option("--distributed", is_flag=True,
                        help="Queue the work for the team's workers (jobmatch worker) instead of doing it here; "
                             "needs a PostgreSQL store.")(function)
