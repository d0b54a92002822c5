"""``jobmatch import`` and ``jobmatch postings list|show|export``."""

from __future__ import annotations

import re
from typing import Any

import click
from rich.markup import escape
from rich.text import Text

from jobmatch.cli.common import EXIT_ERROR, db_option, load_taxonomy, open_store, print_json, print_json_line
from jobmatch.crawler.errors import CrawlerError
from jobmatch.crawler.importing import FORMATS, read_postings

MAX_BAD_LINES_SHOWN = 20
TABLE_LIMIT = 50  # postings a `postings list` table shows unless --limit says otherwise


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
    """List, show and export the stored postings."""


@postings_group.command("export", short_help="Every posting as JSON Lines (what `jobmatch import` reads).")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object a line.")
@click.option("--open-only", is_flag=True, help="Leave out closed postings.")
@db_option
@click.pass_context
def export_command(ctx: click.Context, fmt: str, open_only: bool) -> None:
    """Every posting as one JSON object a line (what `jobmatch import` reads back)."""
    for posting in open_store(ctx).iter_postings(include_closed=not open_only):
        print_json_line(posting.to_record())


@postings_group.command("list", short_help="The stored postings, newest first: --search, --limit, --open.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table for reading; json (a list of records without descriptions) for scripts.")
@click.option("--search", metavar="TEXT",
              help="Only postings whose title, company or location contains TEXT (any case).")
@click.option("--source", metavar="NAME", help="Only postings from this source (as `jobmatch crawl` names it).")
@click.option("--open", "status", flag_value="open", help="Only open postings.")
@click.option("--closed", "status", flag_value="closed", help="Only closed postings (gone from their board).")
@click.option("--all", "status", flag_value="all", default=True, help="Open and closed postings [default].")
@click.option("--open-only", "status", flag_value="open", hidden=True)  # the older name of --open
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help=f"Show the N newest; 0 shows all [default: {TABLE_LIMIT} in the table, all in JSON].")
@db_option
@click.pass_context
def list_command(ctx: click.Context, fmt: str, search: str | None, source: str | None, status: str,
                 limit: int | None) -> None:
    """The stored postings, newest first, without their descriptions (`jobmatch postings show ID`
    shows one in full).

    The table shows the newest 50 unless --limit says otherwise; a line on stderr says how many
    more match. JSON shows every match unless --limit is given.
    """
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    search = (search or "").strip() or None
    store = open_store(ctx)
    postings, total = store.browse_postings(search=search, status=status, source=source, limit=limit or None)
    records = [{k: v for k, v in p.to_record().items() if k != "description"} for p in postings]
    if fmt == "json":
        print_json(records)
    elif records:
        _print_listing(records, total, _postings_phrase(status, source, search))
    if not records:
        if search or source or status != "all":
            click.echo(f"No {_postings_phrase(status, source, search, plural=True)} "
                       f"(of {store.count_postings()} stored).", err=True)
        else:
            click.echo("The store has no postings yet: `jobmatch crawl` or `jobmatch import FILE` adds some.",
                       err=True)
    elif total > len(records):
        click.echo(f"Showing the newest {len(records)} of {total} {_postings_phrase(status, source, search)}: "
                   f"{total - len(records)} more (--limit 0 shows all, --search TEXT narrows).", err=True)


def _postings_phrase(status: str, source: str | None, search: str | None, plural: bool = False) -> str:
    """"closed posting(s) from 'greenhouse' matching 'berlin'"."""
    phrase = ("" if status == "all" else f"{status} ") + ("postings" if plural else "posting(s)")
    if source:
        phrase += f" from {source!r}"
    if search:
        phrase += f" matching {search!r}"
    return phrase


def _print_listing(records: list[dict[str, Any]], total: int, phrase: str) -> None:
    from rich.console import Console
    from rich.table import Table

    shown = f"{len(records)} of {total}" if total > len(records) else f"{total}"
    table = Table(title=escape(f"{shown} {phrase}"), title_justify="left")
    table.add_column("id", no_wrap=True)
    for column in ("title", "company", "locations", "remote"):
        table.add_column(column, overflow="fold")
    table.add_column("closed", no_wrap=True)
    for record in records:
        table.add_row(*(Text(_clean(value)) for value in (
            record["id"], record["title"], record["company"] or "", ", ".join(record["locations"]),
            {True: "yes", False: "no", None: ""}[record["remote"]], (record["closed_at"] or "")[:10])))
    Console().print(table)


@postings_group.command("show", short_help="One posting in full, with the skills it asks for.")
@click.argument("posting_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for reading; json: the posting's record, its status and its extracted skills.")
@db_option
@click.pass_context
def show_command(ctx: click.Context, posting_id: str, fmt: str) -> None:
    """One posting in full: title, company, where, salary, dates, link, the description, and the
    skills it asks for by level (required, preferred, mentioned) when they have been extracted for
    the current taxonomy.

    ID is the id `jobmatch postings list` and `jobmatch rank --format json` show; a unique start of
    one, or the board's own id after the source (the part after the colon), works too. A closed
    posting is shown, marked closed.
    """
    from jobmatch.taxonomy.versions import extraction_key

    store = open_store(ctx)
    posting = store.get_posting(posting_id.strip()) or _posting_by_fragment(store, posting_id.strip())
    taxonomy = load_taxonomy()
    key = extraction_key(taxonomy)
    extraction = store.posting_extraction(posting.id, key)
    skills = _skills_of(extraction, taxonomy) if extraction else None
    if fmt == "json":
        record = posting.to_record()
        record["status"] = "closed" if posting.closed_at else "open"
        record["extraction"] = None if extraction is None else {
            "taxonomy_version": key, "extracted_at": extraction["extracted_at"], "skills": skills,
            "education": extraction["education"], "education_or_equivalent": extraction["education_or_equivalent"],
            "years_experience": extraction["years_experience"], "seniority": extraction["seniority"]}
        print_json(record)
        return
    _print_posting(posting, extraction, skills, key)


def _posting_by_fragment(store, fragment: str):
    if not fragment:
        raise CrawlerError("postings show: give a posting id (see `jobmatch postings list`)")
    found = store.posting_ids_like(fragment)
    if len(found) == 1:
        posting = store.get_posting(found[0])
        if posting is not None:
            return posting
    if len(found) > 1:
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise CrawlerError(f"postings show: {fragment!r} matches several postings ({shown}); give more of the id")
    raise CrawlerError(f"postings show: no posting with id {fragment!r} in the store "
                       "(`jobmatch postings list --search TEXT` finds one)")


def _skills_of(extraction: dict[str, Any], taxonomy) -> list[dict[str, Any]]:
    skills = []
    for item in extraction["skills"] or []:
        skill = taxonomy.skills.get(item.get("id"))
        skills.append({"id": item.get("id"), "label": skill.label if skill else item.get("id"),
                       "category": skill.category if skill else None,
                       "requirement": item.get("requirement") or "unspecified", "years": item.get("years"),
                       "any_of": item.get("any_of"), "in_title": bool(item.get("in_title")),
                       "spans": item.get("spans") or []})
    return skills


LEVELS = (("required", "required"), ("preferred", "preferred"), ("unspecified", "mentioned"))
PERIODS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day", "hour": "an hour"}


def salary_text(posting) -> str:
    """"55,000-68,000 EUR a year", "from 90,000 USD", or "not stated"."""
    low, high = posting.salary_min, posting.salary_max
    if low is None and high is None:
        return "not stated"
    if low is not None and high is not None and low != high:
        amount = f"{low:,.0f}-{high:,.0f}"
    elif low is not None:
        amount = f"{low:,.0f}" if high is not None else f"from {low:,.0f}"
    else:
        amount = f"up to {high:,.0f}"
    period = posting.salary_period
    tail = " ".join(part for part in (posting.salary_currency,
                                      PERIODS.get(period, f"per {period}") if period else None) if part)
    return f"{amount} {tail}".strip()


def _print_posting(posting, extraction: dict[str, Any] | None, skills: list[dict[str, Any]] | None,
                   key: str) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    # In a pipe nothing is wrapped (the text keeps its own lines); on a terminal the description
    # wraps at words. The link is never wrapped, so it can be copied or clicked whole.
    flow = not console.is_terminal

    def line(label: str, value: str, style: str = "") -> None:
        text = Text()
        text.append(f"{label:<12}", style="bold")
        text.append(_clean(value), style=style)
        console.print(text, soft_wrap=True)

    console.print(Text(_clean(posting.title), style="bold"), soft_wrap=flow)
    if posting.closed_at:
        console.print(Text(f"CLOSED: gone from its board since {posting.closed_at[:10]}", style="bold red"),
                      soft_wrap=True)
    line("company", posting.company or "not stated")
    line("where", "; ".join(posting.locations) or "not stated")
    line("remote", {True: "yes", False: "no", None: "not stated"}[posting.remote])
    line("salary", salary_text(posting))
    if posting.employment_type:
        line("type", posting.employment_type)
    line("posted", (posting.posted_at or "not stated")[:10])
    line("seen", f"first {(posting.first_seen or '')[:10]}, last {(posting.last_seen or '')[:10]}")
    line("id", f"{posting.id} (source {posting.source})")
    line("url", posting.url or "none", style="link " + posting.url if posting.url and _SAFE_URL.match(posting.url)
         else "")
    console.print()
    console.print(_marked_description(posting, skills or [], console.is_terminal), soft_wrap=flow)
    console.print()
    if extraction is None:
        console.print(Text(f"Skills: none extracted for this taxonomy ({key}): "
                           + ("closed postings are not extracted." if posting.closed_at else
                              "`jobmatch extract` (or `jobmatch rank`) extracts them.")), soft_wrap=True)
        return
    console.print(Text("Skills it asks for", style="bold"), soft_wrap=True)
    for level, name in LEVELS:
        entries = _grouped(skill for skill in skills or [] if skill["requirement"] == level)
        if entries:
            console.print(Text(f"  {name + ':':<11} " + _clean(", ".join(entries))), soft_wrap=flow)
    if not skills:
        console.print(Text("  none found"), soft_wrap=True)
    asked = []
    if extraction.get("education"):
        asked.append(f"{extraction['education']} degree" + (" or equivalent experience"
                                                            if extraction.get("education_or_equivalent") else ""))
    if extraction.get("years_experience") is not None:
        asked.append(f"{extraction['years_experience']:g}+ years of experience")
    if extraction.get("seniority"):
        asked.append(f"seniority {extraction['seniority']}")
    if asked:
        console.print(Text(f"  {'also:':<11} " + "; ".join(asked)), soft_wrap=flow)


def _grouped(skills) -> list[str]:
    """Labels, with an "any of" ask once as "A or B", years and title marks appended."""
    items = list(skills)
    labels = {skill["id"]: skill["label"] for skill in items}
    done: set[str] = set()
    entries = []
    for skill in items:
        if skill["id"] in done:
            continue
        group = [i for i in (skill.get("any_of") or []) if i in labels] or [skill["id"]]
        done.update(group)
        entry = " or ".join(labels[i] for i in group)
        if skill.get("years"):
            entry += f" ({skill['years']:g}+ years)"
        if skill.get("in_title"):
            entry += " (title)"
        entries.append(entry)
    return entries


def _marked_description(posting, skills: list[dict[str, Any]], styled: bool) -> Text:
    """The description as plain text (never markup); on a terminal the skills found in it are bold."""
    text = Text(_clean(posting.description) or "(no description)")
    if styled and posting.description:
        for skill in skills:
            for start, end in skill["spans"]:
                if 0 <= start < end <= len(text.plain):
                    text.stylize("bold underline", start, end)
    return text


# Characters a terminal would act on: C0 and C1 controls but newline and tab, and the bidi overrides
# that reorder what is shown. Each becomes one space, so skill offsets into the text still hold.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SAFE_URL = re.compile(r"^https?://[^\s\[\]]+$")


def _clean(value: Any) -> str:
    return _UNSAFE.sub(" ", "" if value is None else str(value))
