"""``jobmatch report``: the match report as Markdown, HTML, CSV or JSON, and the nightly digest."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from jobmatch.cli.common import db_option, usage_error
from jobmatch.cli.matching_session import prepare
from jobmatch.cli.operations import write_report
from jobmatch.cli.report_render import FORMATS
from jobmatch.matcher.ranking import MATCH_THRESHOLD

EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}


@click.command("report")
@click.argument("profile", type=click.Path())
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
@db_option
@click.pass_context
def report_command(ctx: click.Context, profile: str, fmt: str | None, output: str, top: int, new_only: bool,
                   threshold: float, strict: bool) -> None:
    """Write the match report for PROFILE: top matches with their score breakdown, the gaps with the
    guide's resources, readiness per skill area and the market's most-asked skills.

    Every report records its time for this profile (in the store), so --new-only shows only the
    postings first seen since the previous one.
    """
    from jobmatch.crawler.store import utc_now

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
