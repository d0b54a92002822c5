"""``jobmatch report``: the match report as Markdown, HTML, CSV or JSON, and the nightly digest."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from jobmatch.cli.common import db_option, echo_stderr, open_store, store_location, usage_error, workspace
from jobmatch.cli.matching_session import prepare
from jobmatch.cli.operations import write_report
from jobmatch.cli.report_render import FORMATS
from jobmatch.cli.worker_command import distributed_options, enqueue_and_maybe_wait
from jobmatch.matcher.ranking import MATCH_THRESHOLD

EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}
FORMAT_EXTENSIONS = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}


@click.command("report")
@click.argument("profile", type=click.Path(), required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format [default: from the -o file's extension (.md, .html, .csv, .json); md on stdout].")
@click.option("-o", "--output", default="-", metavar="FILE", help="Write the report here ('-', the default, is stdout).")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="How many postings to show.")
@click.option("--new-only", is_flag=True,
              help="Only postings first seen since the previous report for this profile (a nightly digest).")
@click.option("--threshold", default=100 * MATCH_THRESHOLD, show_default=True, type=click.FloatRange(0, 100),
              help="Match threshold (score out of 100) for 'over threshold' and the gaps' 'unlocks'.")
@click.option("--strict", is_flag=True, help="Unknown skills in the profile are errors, not warnings.")
@click.option("--open", "open_report", is_flag=True, expose_value=False, callback=lambda ctx, _param, value:
              ctx.meta.update({"report.open": value}),
              help="Open the written report in the default browser (not with -o -, stdout).")
@click.option("--profiles", metavar="DIR_OR_GLOB",
              help="A report for every profile of a folder of .yaml files or a glob, written to --out "
                   "(ana.yaml -> ana.md), against one loaded index.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where --profiles writes its reports (created if missing).")
@distributed_options
@db_option
@click.pass_context
def report_command(ctx: click.Context, profile: str | None, fmt: str | None, output: str, top: int,
                   new_only: bool, threshold: float, strict: bool, profiles: str | None, out_dir: str | None,
                   distributed: bool, wait: bool) -> None:
    """Write the match report for PROFILE: top matches with their score breakdown, the gaps with the
    guide's resources, readiness per skill area and the market's most-asked skills.

    Every report records its time for this profile (in the store), so --new-only shows only the
    postings first seen since the previous one.

    With --profiles and --out, every learner's report (with --new-only, their digest) in one run;
    a profile that fails to load is reported by file and skipped. Adding --distributed queues one
    task per profile for the team's workers (--out must be a folder they can all write).
    """
    from jobmatch.crawler.store import utc_now

    if profiles is not None or distributed:
        if profile is not None:
            raise click.UsageError("give PROFILE or --profiles, not both")
        if profiles is None or out_dir is None:
            raise click.UsageError("--profiles DIR_OR_GLOB and --out DIR go together (--distributed needs both)")
        if output != "-":
            raise click.UsageError("--profiles writes one report per profile into --out; -o is for one PROFILE")
        _report_batch(ctx, profiles, Path(out_dir), fmt or "md", top=top, new_only=new_only,
                      threshold=threshold, strict=strict, distributed=distributed, wait=wait)
        return
    if profile is None:
        raise click.UsageError("give a PROFILE (or --profiles DIR_OR_GLOB --out DIR)")

    to_stdout = output == "-"
    if not to_stdout:
        fmt = _check_output(ctx, Path(output), fmt)
        _check_folder(Path(output))
    started = utc_now()  # before the skill matrix is built: what arrives meanwhile is in the next digest
    session, loaded = prepare(ctx, profile, strict=strict)
    outcome = write_report(session, loaded, profile, None if to_stdout else Path(output), fmt=fmt or "md",
                           top=top, threshold=threshold, new_only=new_only, started=started)
    if to_stdout:
        sys.stdout.write(outcome.text)
    else:
        click.echo(f"Wrote {output} ({outcome.shown} posting(s)"
                   + (f", {outcome.new_postings} new" if outcome.previous else "") + ").", err=True)
    if ctx.meta.get("report.open"):
        open_in_browser(None if to_stdout else Path(output))


def _report_batch(ctx: click.Context, pattern: str, out: Path, fmt: str, *, top: int, new_only: bool,
                  threshold: float, strict: bool, distributed: bool, wait: bool) -> None:
    """Every profile's report into ``out``, here against one index or queued one task a profile."""
    from jobmatch.cli.operations import load_profile_file, profile_files, profile_key
    from jobmatch.crawler.store import utc_now
    from jobmatch.matcher.errors import ProfileError

    paths = profile_files(pattern)
    if distributed:
        from jobmatch.cli.task_queue import queue_dsn, require_team_extra

        queue_dsn(store_location(ctx))  # a SQLite store is refused before any work
        require_team_extra()
    started = utc_now()
    where = workspace(ctx)
    taxonomy = where.load_taxonomy()
    loaded, skipped = [], 0
    for path in paths:
        try:
            loaded.append((path, load_profile_file(where, taxonomy, path, strict=strict, notify=echo_stderr)))
        except ProfileError as error:
            click.echo(f"Skipped {error}", err=True)
            skipped += 1
    out.mkdir(parents=True, exist_ok=True)
    extension = FORMAT_EXTENSIONS[fmt]
    if distributed:
        from jobmatch.cli.task_queue import REPORT, Task, dedupe_key

        store = open_store(ctx)
        tasks = []
        for path, _profile in loaded:
            target = (out / f"{path.stem}{extension}").resolve()
            payload = {"profile": str(path.resolve()), "output": str(target), "format": fmt, "top": top,
                       "threshold": threshold, "new_only": new_only, "strict": strict, "started": started,
                       "new_since": store.last_report_at(profile_key(path))}
            tasks.append(Task(REPORT, payload, dedupe_key(REPORT, [payload["profile"], payload["output"]])))
        enqueue_and_maybe_wait(ctx, tasks, what="report", wait=wait)
    else:
        session, _ = prepare(ctx, None)
        for path, profile in loaded:
            target = out / f"{path.stem}{extension}"
            outcome = write_report(session, profile, path, target, fmt=fmt, top=top, threshold=threshold,
                                   new_only=new_only, started=started)
            click.echo(f"Wrote {target} ({outcome.shown} posting(s)"
                       + (f", {outcome.new_postings} new" if outcome.previous else "") + ").", err=True)
    if skipped:
        click.echo(f"{skipped} profile(s) skipped.", err=True)
        ctx.exit(1)


def open_in_browser(path: Path | None) -> None:
    """``report --open``: the written file in the default browser; nothing to open on stdout."""
    if path is None:
        click.echo("--open: the report went to stdout, so there is no file to open (give -o FILE).", err=True)
        return
    import webbrowser

    try:
        opened = webbrowser.open(path.resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if not opened:
        click.echo(f"--open: no browser could be started; the report is {path.resolve()}", err=True)


def _check_output(ctx: click.Context, path: Path, fmt: str | None) -> str:
    """The format for ``-o path``: --format if given, else the extension's. A directory, or an
    extension that names no format, is a usage error (exit 2) before any work is done."""
    if path.is_dir():
        usage_error(ctx, f"-o {path}: is a directory; give a file name")
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        usage_error(ctx, f"-o {path}: {'unknown extension ' + suffix if suffix else 'no extension'}; the report "
                         f"formats are {', '.join('.' + name for name in FORMATS)}, or name one with "
                         f"--format {'|'.join(FORMATS)}")
    return EXTENSIONS[suffix]


def _check_folder(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"{path}: folder {folder} is not writable")
