"""``jobmatch track``: what a person did with a posting (interested, applied, dismissed, ...)."""

from __future__ import annotations

import click

from jobmatch.cli.common import db_option, open_store, print_json

STATUS_CHOICES = ("interested", "applied", "interviewing", "offer", "rejected", "dismissed")


@click.command("track")
@click.argument("profile", type=click.Path())
@click.argument("posting_id", required=False)
@click.argument("status", required=False, type=click.Choice(STATUS_CHOICES, case_sensitive=False))
@click.option("--note", help="A short note kept with the status (at most 500 characters).")
@click.option("--forget", is_flag=True, help="Forget the status of POSTING_ID.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@click.pass_context
def track_command(ctx: click.Context, profile: str, posting_id: str | None, status: str | None, note: str | None,
                  forget: bool, fmt: str) -> None:
    """Remember what you did with a posting, for PROFILE: interested, applied, interviewing, offer,
    rejected or dismissed. Without POSTING_ID, list the postings you track.

    `jobmatch rank` and `jobmatch report` leave out postings you applied to (or got further with:
    interviewing, offer), were turned down for or dismissed (`rank --show-tracked` shows them);
    `rank` shows every status in its table and JSON.
    """
    from jobmatch.cli.operations import profile_key

    key = profile_key(profile)
    store = open_store(ctx)
    if posting_id is not None:
        posting = store.get_posting(posting_id)
        if posting is None and not store.has_open_postings():
            raise click.ClickException(
                f"the store has no postings, so {posting_id!r} is one of the bundled sample's, which is only a demo "
                "and cannot be tracked: `jobmatch crawl` or `jobmatch import` real postings first")
        if posting is None:
            close = store.posting_ids_like(posting_id)
            hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
            raise click.ClickException(f"no posting with id {posting_id!r} in the store{hint}")
        if forget:
            store.set_status(key, posting.id, None)
            click.echo(f"Forgot the status of {posting.id}.", err=True)
            return
        if status is None:
            raise click.UsageError("give a STATUS (" + ", ".join(STATUS_CHOICES) + ") or --forget")
        store.set_status(key, posting.id, status.lower(), note)
        click.echo(f"{posting.id}: {status.lower()}", err=True)
        return
    tracked = store.statuses(key)
    if fmt == "json":
        print_json([{"id": pid, **value} for pid, value in sorted(tracked.items())])
        return
    if not tracked:
        click.echo("No tracked postings for this profile yet: `jobmatch track PROFILE ID applied`.", err=True)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(tracked)} tracked posting(s)")
    for column in ("id", "status", "since", "note"):
        table.add_column(column, overflow="ellipsis", no_wrap=column != "note")
    for pid, value in sorted(tracked.items(), key=lambda kv: kv[1]["updated_at"], reverse=True):
        table.add_row(escape(pid), value["status"], value["updated_at"][:10], escape(value["note"] or ""))
    Console().print(table)
