"""``jobmatch report``: the match report as Markdown, HTML, CSV or JSON, and the nightly digest."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import click

from jobmatch.cli.common import db_option, usage_error
from jobmatch.cli.matching_session import prepare
from jobmatch.cli.report_render import FORMATS, render
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
    from jobmatch.matcher.ranking import Matcher
    from jobmatch.matcher.report import build_report, report_watermark

    to_stdout = output == "-"
    if not to_stdout:
        fmt = _check_output(ctx, Path(output), fmt)
        _check_folder(Path(output))
    fmt = fmt or "md"
    started = utc_now()
    session = prepare(ctx, profile, strict=strict)
    key = profile_key(profile)
    previous = session.store.last_report_at(key)
    matcher = Matcher(session.index, session.taxonomy, session.profile)
    if not session.using_sample:
        matcher.apply_statuses(session.store.statuses(key))  # what you applied to or dismissed stays out
    data = build_report(matcher, top=top, threshold=threshold, new_since=previous, new_only=new_only,
                        generated_at=started, sample=session.using_sample,
                        description_of=lambda posting_id: _description(session.store, posting_id))
    text = render(data, fmt)
    if to_stdout:
        sys.stdout.write(text)
    else:
        write_atomically(Path(output), text)
    session.store.record_report(key, report_watermark(started, session.index.first_seen, utc_now()))
    if not to_stdout:
        click.echo(f"Wrote {output} ({data['summary']['shown']} posting(s)"
                   + (f", {data['summary']['new_postings']} new" if previous else "") + ").", err=True)
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


def _description(store, posting_id: str) -> str | None:
    posting = store.get_posting(posting_id)
    return posting.description if posting else None


def profile_key(profile_path: str) -> str:
    """Which profile a report is for: a hash of the profile file's resolved path."""
    return hashlib.sha256(str(Path(profile_path).resolve()).encode("utf-8")).hexdigest()[:32]


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


def write_atomically(path: Path, text: str) -> None:
    """Write to a temp file beside ``path`` and rename it into place: readers never see half a report."""
    folder = path.parent if str(path.parent) else Path(".")
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=folder,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
