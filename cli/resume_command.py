"""``jobmatch profile from-resume PATH``: a commented profile.yaml drafted from a résumé (PDF with a
text layer, DOCX, Markdown or text), or merged into the person's existing profile.

The reading itself is :mod:`jobmatch.matcher.resume` (pure). This module only handles files: the
output is written atomically (a temp file beside it, renamed into place), an existing file is never
overwritten without ``--merge`` or ``--force``, and the résumé is never copied into the store. The
command is registered in the ``jobmatch profile`` group (``cli/profile_commands.py``).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from jobmatch.cli.common import EXIT_USAGE, USER_ERRORS, cache_dir, load_taxonomy
from jobmatch.cli.operations import write_atomically


def _as_of(ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    for form in ("%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    click.echo(f"Error: --as-of {value!r}: give a date as YYYY-MM-DD (or YYYY-MM)", err=True)
    ctx.exit(EXIT_USAGE)
    return None


@click.command("from-resume", short_help="Draft a profile from your résumé (PDF, DOCX, Markdown, text).")
@click.argument("path", metavar="RESUME", type=click.Path(path_type=str))
@click.option("-o", "--output", metavar="FILE",
              help="Where to write the profile ('-' for stdout). Default: stdout, or the --merge file.")
@click.option("--merge", "merge_path", metavar="FILE", type=click.Path(path_type=str),
              help="Update this existing profile: add the new skills and missing fields, keep your values, "
                   "preferences and comments.")
@click.option("--as-of", "as_of", metavar="DATE", callback=_as_of, expose_value=True,
              help="The date 'present' means in the résumé's dates (YYYY-MM-DD). Default: today.")
@click.option("--force", is_flag=True, help="Overwrite -o FILE if it exists (without --merge).")
@click.pass_context
def from_resume_command(ctx: click.Context, path: str, output: str | None, merge_path: str | None,
                        as_of: dt.date | None, force: bool) -> None:
    """Read RESUME and write a profile.yaml the ranking uses: skills (each with the résumé line it
    came from), years per skill from the dated jobs they appear in (overlaps counted once),
    years of experience (internships and study apart), the highest degree, spoken languages,
    location and links. Readings to confirm are marked `# check:`.

    Nothing is invented, the résumé is stored nowhere, and phone numbers, e-mail and street
    addresses are left out. With --merge FILE the profile is updated in place (or written to -o):
    your own values, preferences and comments stay, new skills are added.

    Exit code 1 with one line naming the file for a résumé that cannot be read (a scan without
    text, an encrypted PDF, a corrupt DOCX, a binary or empty file) or a profile that does not load;
    nothing is written then.
    """
    try:
        _run(ctx, path, output, merge_path, as_of, force)
    except USER_ERRORS as error:
        if (ctx.find_root().obj or {}).get("traceback"):
            raise
        raise click.ClickException(str(error)) from None


def _run(ctx: click.Context, path: str, output: str | None, merge_path: str | None, as_of: dt.date | None,
         force: bool) -> None:
    from jobmatch.matcher.errors import ProfileError
    from jobmatch.matcher.places import set_gazetteer_cache
    from jobmatch.matcher.profile import parse_profile
    from jobmatch.matcher.resume import merge_profile, read_document, read_resume, render_profile

    target = output if output is not None else merge_path
    if target not in (None, "-"):
        _check_target(ctx, Path(target), replacing=target == merge_path, force=force)
    merge_text = None
    if merge_path is not None:
        merge_text = _read_profile_text(merge_path)
    document = read_document(path)  # every problem of the file: one line, before any other work
    taxonomy = load_taxonomy()
    set_gazetteer_cache(cache_dir())
    reading = read_resume(document, taxonomy, as_of=as_of)
    if not reading.skills:
        language = "" if reading.text_language == "english" else f" (the text looks {reading.text_language}; " \
                                                                  "jobmatch reads English résumés)"
        raise ProfileError(path, f"no skill of the taxonomy found in {len(document.lines)} lines{language}; "
                                 "nothing written")
    if merge_text is not None:
        assert merge_path is not None
        merged = merge_profile(merge_text, reading, taxonomy, path=merge_path)
        text = merged.text
        summary = (f"{len(merged.added)} skill(s) added, {len(merged.kept)} kept as you had them"
                   + (f", {len(merged.not_readded)} you removed left out" if merged.not_readded else "")
                   + (f", added {', '.join(merged.fields_added)}" if merged.fields_added else "")
                   + ("; the file's comments could not be kept (rewritten)" if merged.rewritten else ""))
    else:
        text = render_profile(reading, taxonomy, source_name=Path(path).name)
        summary = _summary(reading)
    try:
        parse_profile(text, taxonomy, path=target or "profile.yaml", allow_no_skills=True)
    except ProfileError as error:  # ours to fix, never the person's
        raise RuntimeError(f"the profile drafted would not load ({error}); nothing was written") from None
    checks = text.count("# check:")
    note = f"; {checks} reading(s) to check (marked `# check:`)" if checks else ""
    if reading.text_language != "english":
        click.echo(f"Warning: {path}: the text looks {reading.text_language}; jobmatch reads English "
                   f"(and some German) best: check the profile", err=True)
    if target in (None, "-"):
        sys.stdout.write(text)
        click.echo(f"{path}: {summary}{note}.", err=True)
        return
    write_atomically(Path(target), text)
    then = f"`jobmatch profile check {target}`, then `jobmatch rank {target}`"
    click.echo(f"{path}: {summary}{note}. Wrote {target}; edit it, then {then}.", err=True)


def _summary(reading) -> str:  # noqa: ANN001 (matcher.resume.Reading)
    parts = [f"{len(reading.skills)} skill(s)"]
    jobs = reading.work_entries
    if jobs:
        parts.append(f"{len(jobs)} dated job(s), {reading.years_experience:g} years of experience")
    elif reading.years_experience is not None:
        parts.append(f"{reading.years_experience:g} years of experience (as stated)")
    if reading.internship_years:
        parts.append(f"internships {reading.internship_years:g} years apart")
    if reading.education:
        parts.append(f"education {reading.education.level}")
    languages = [s for s in reading.skills.values() if s.category == "spoken_languages"]
    if languages:
        parts.append(f"{len(languages)} language(s)")
    if reading.links:
        parts.append(f"{len(reading.links)} link(s)")
    return ", ".join(parts)


def _check_target(ctx: click.Context, path: Path, *, replacing: bool, force: bool) -> None:
    """Refuse, before reading anything, an output that would be overwritten or cannot be written."""
    if path.is_dir():
        raise click.ClickException(f"{path}: is a directory; give a file name for the profile")
    if path.exists() and not replacing and not force:
        raise click.ClickException(f"{path} exists; use --merge {path} to update it, or --force to replace it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"{path}: folder {folder} is not writable")


def _read_profile_text(path: str) -> str:
    from jobmatch.matcher.errors import ProfileError
    from jobmatch.matcher.profile import MAX_PROFILE_BYTES

    file = Path(path)
    if not file.exists():
        raise ProfileError(path, "no such file; to write a new profile, use -o FILE instead of --merge")
    if file.is_dir():
        raise ProfileError(path, "is a directory, not a profile")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise ProfileError(path, f"cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileError(path, f"file is {len(raw) // 1024} KB; a profile is at most {MAX_PROFILE_BYTES // 1024} KB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError(path, "not valid UTF-8") from None
