"""``jobmatch rank`` and ``jobmatch gaps``."""

from __future__ import annotations

from pathlib import Path

import click

from jobmatch.cli.common import db_option, echo_stderr, print_json
from jobmatch.cli.matching_session import prepare
from jobmatch.cli.operations import profile_files, rank_profile, rank_profiles
from jobmatch.matcher.ranking import MATCH_THRESHOLD


def _label(taxonomy, skill_id: str) -> str:
    skill = taxonomy.skills.get(skill_id)
    return skill.label if skill else skill_id


@click.command("rank")
@click.argument("profile", type=click.Path(), required=False)
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="How many postings to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--strict", is_flag=True, help="Unknown skills in the profile are errors, not warnings.")
@click.option("--explain", is_flag=True, help="Show each posting's score breakdown in the table.")
@click.option("--remote", "remote_only", is_flag=True, help="Only postings that offer remote work.")
@click.option("--where", "place", metavar="PLACE",
              help="Only postings on-site or hybrid in PLACE, or remote open to it (a city, country or region).")
@click.option("--min-score", type=click.FloatRange(0, 100), help="Only postings scoring at least this (0-100).")
@click.option("--since", metavar="DATE|Nd", help="Only postings first seen since DATE (2026-11-30) or N days ago (7d).")
@click.option("--role", "roles", multiple=True, metavar="ROLE",
              help="Only postings of this role family or title (repeatable): ml_engineer, \"Data Scientist\", ...")
@click.option("--show-tracked", is_flag=True,
              help="Also show postings you applied to, were turned down for or dismissed (jobmatch track).")
@click.option("--profiles", metavar="DIR_OR_GLOB",
              help="Rank many profiles in one pass over one loaded index (a folder of .yaml files or a glob); "
                   "one result per profile in --out, named after its file.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Where --profiles writes its results (created if missing).")
@db_option
@click.pass_context
def rank_command(ctx: click.Context, profile: str | None, top: int, fmt: str, strict: bool, explain: bool,
                 remote_only: bool, place: str | None, min_score: float | None, since: str | None,
                 roles: tuple[str, ...], show_tracked: bool, profiles: str | None, out_dir: str | None) -> None:
    """Rank the open postings against PROFILE, best first, with each score explained.

    With --profiles, rank every profile of a folder or glob against one loaded index and write
    one JSON file per profile to --out (ana.yaml -> ana.json), in the order and with the scores a
    single `rank` gives. A profile that fails to load is reported by file and skipped.
    """
    if profiles is not None:
        if profile is not None:
            raise click.UsageError("give PROFILE or --profiles, not both")
        if explain:
            raise click.UsageError("--profiles writes one JSON file per profile; --explain is for one PROFILE")
        if out_dir is None:
            raise click.UsageError("--profiles needs --out DIR for its results")
        _rank_batch(ctx, profiles, Path(out_dir), top, strict, show_tracked=show_tracked,
                    filters=_filters(remote_only, place, min_score, since, roles))
        return
    if profile is None:
        raise click.UsageError("give a PROFILE (or --profiles DIR_OR_GLOB)")

    filters = _filters(remote_only, place, min_score, since, roles)
    session, loaded = prepare(ctx, profile, strict=strict)
    ranking = rank_profile(session, loaded, profile, top=top, filters=filters, show_tracked=show_tracked)
    if fmt == "json":
        print_json([match.to_dict() for match in ranking.matches])
        return
    _print_ranking(session, ranking, explain)


def _filters(remote_only: bool, place: str | None, min_score: float | None, since: str | None,
             roles: tuple[str, ...]) -> dict:
    """Matcher.apply_filters' keywords from the options (a bad --since or --role is a usage error)."""
    return {"remote_only": remote_only, "place": place, "min_score": min_score,
            "since": _since(since) if since else None, "roles": tuple(_families(roles))}


def _families(roles: tuple[str, ...]) -> list[str]:
    from jobmatch.matcher.roles import resolve_target

    families = []
    for role in roles:
        try:
            families.append(resolve_target(role))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--role") from None
    return families


def _rank_batch(ctx: click.Context, pattern: str, out: Path, top: int, strict: bool, *,
                filters: dict, show_tracked: bool) -> None:
    """Every profile of a folder or glob against one index; one JSON result per profile."""
    paths = profile_files(pattern)
    session, _ = prepare(ctx, None)
    outcome = rank_profiles(session, paths, out, top=top, strict=strict, filters=filters,
                            show_tracked=show_tracked, notify=echo_stderr)
    click.echo(f"Ranked {len(outcome.written)} profile(s) into {out}"
               + (f"; {len(outcome.skipped)} skipped" if outcome.skipped else "") + ".", err=True)
    if outcome.skipped:
        ctx.exit(1)


def _since(value: str) -> str:
    """An ISO date or time from "2026-11-30" or "7d" (days ago)."""
    from datetime import UTC, date, datetime, timedelta

    text = value.strip().lower()
    if text.endswith("d") and text[:-1].isdigit():
        return (datetime.now(UTC) - timedelta(days=int(text[:-1]))).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (2026-11-30) or a number of days (7d)",
                                 param_hint="--since") from None


def _age(first_seen: str) -> str:
    from datetime import UTC, datetime

    try:
        seen = datetime.fromisoformat(first_seen.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    days = (datetime.now(UTC) - seen).days
    return "today" if days <= 0 else f"{days}d"


def _salary(salary: dict | None) -> str:
    if not salary:
        return ""
    values = [v * salary["per_year"] for v in (salary["min"], salary["max"]) if v is not None]
    if not values:
        return ""
    low, high = min(values), max(values)
    text = f"{low / 1000:.0f}k" if low == high else f"{low / 1000:.0f}-{high / 1000:.0f}k"
    return f"{text} {salary['currency'] or ''}".strip()


def _print_ranking(session, ranking, explain: bool) -> None:
    import sys

    from rich.console import Console
    from rich.table import Table

    taxonomy = session.taxonomy
    title = f"Top {len(ranking.matches)} of {ranking.considered} open posting(s)"
    if session.using_sample:
        title += " (bundled sample)"
    left_out = {k: v for k, v in ranking.filtered.items() if v}
    if left_out:
        title += " (left out: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in left_out.items()) + ")"
    # In a pipe rich would assume 80 columns and split words; a wide virtual line keeps them whole.
    console = Console() if sys.stdout.isatty() else Console(width=220)
    if explain:
        _print_explained(console, title, taxonomy, ranking)
        return
    table = Table(title=title)
    wide = console.width >= 140
    columns = [("#", "right", 3), ("score", "right", 5), ("title", "left", 40), ("company", "left", 18),
               ("where", "left", 28)]
    if wide:
        columns += [("salary", "left", 14), ("age", "right", 5)]
    tracked = any(match.status for match in ranking.matches)
    if tracked:
        columns += [("status", "left", 12)]
    columns += [("missing (required)", "left", 40)]
    for column, justify, width in columns:
        table.add_column(column, justify=justify, overflow="ellipsis", no_wrap=True, max_width=width)
    for match in ranking.matches:
        missing = ", ".join([*(_label(taxonomy, s) for s in match.missing_required[:5]),
                             *(" / ".join(_label(taxonomy, s) for s in g["options"][:3])
                               for g in match.missing_any_of if g["requirement"] == "required")][:5])
        row = [str(match.rank), f"{match.score:.0f}", match.title, match.company, match.where]
        if wide:
            row += [_salary(match.salary), _age(match.first_seen)]
        if tracked:
            row += [match.status or ""]
        table.add_row(*row, missing)
    console.print(table)
    console.print("[dim]--explain shows each score's breakdown and link; `jobmatch postings show ID` one posting.[/dim]")


def _print_explained(console, title: str, taxonomy, ranking) -> None:
    """Each posting as a block: what added how much, what is missing, which penalty applied."""
    from rich.markup import escape

    console.print(f"[bold]{escape(title)}[/bold]\n")
    for match in ranking.matches:
        role = match.role_family.replace("_", " ") + (f", {match.seniority}" if match.seniority else "")
        console.print(f"[bold]{match.rank}. {escape(match.title)}[/bold] - {escape(match.company or '')}  "
                      f"[bold]{match.score:.0f}[/bold]/100 (fit {match.fit:.0f}; {escape(role)})")
        console.print(f"   {escape(match.where)}" + (f" | {escape(_salary(match.salary))}" if match.salary else ""),
                      highlight=False)
        if match.url:
            console.print(f"   {escape(match.url)}", highlight=False, soft_wrap=True)  # a link stays whole
        added = [f"+{c.points:g} {_label(taxonomy, c.skill)}" + (f" (via {_label(taxonomy, c.via)})" if c.via else "")
                 + (f" (one of {' / '.join(_label(taxonomy, o) for o in c.options)})" if c.options else "")
                 + (" (in the title)" if c.in_title else "")
                 for c in match.contributions]
        if added:
            console.print("   " + escape(", ".join(added)), highlight=False)
        for heading, ids in (("missing, required", match.missing_required),
                             ("missing, nice to have", match.missing_preferred)):
            if ids:
                console.print(f"   {heading}: " + escape(", ".join(_label(taxonomy, s) for s in ids)), highlight=False)
        for group in match.missing_any_of:
            console.print(f"   missing, one of ({group['requirement']}): "
                          + escape(" / ".join(_label(taxonomy, s) for s in group["options"])), highlight=False)
        for penalty in match.penalties:
            console.print(f"   x{penalty['factor']:g} {escape(penalty['reason'])}", highlight=False)
        console.print()


@click.command("gaps")
@click.argument("profile", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--threshold", default=100 * MATCH_THRESHOLD, show_default=True, type=click.FloatRange(0, 100),
              help="Match threshold (score out of 100) that 'unlocks' counts postings over.")
@click.option("--limit", default=15, show_default=True, type=click.IntRange(min=1),
              help="How many skills to learn next to list, the most valuable first.")
@click.option("--strict", is_flag=True, help="Unknown skills in the profile are errors, not warnings.")
@db_option
@click.pass_context
def gaps_command(ctx: click.Context, profile: str, fmt: str, threshold: float, limit: int, strict: bool) -> None:
    """The missing skills worth learning next, and how ready PROFILE is for the market.

    Each gap is valued by what learning it would add to the person's target postings (the role
    families of `targets:` or `preferences.titles`), weighted towards the postings near the top of
    their ranking. Soft skills, spoken languages, degrees and clearances are listed apart.
    """
    from jobmatch.matcher.ranking import Matcher, gap_report, readiness

    session, loaded = prepare(ctx, profile, strict=strict)
    matcher = Matcher(session.index, session.taxonomy, loaded)
    report = gap_report(matcher, threshold=threshold / 100, limit=limit)
    ready = readiness(matcher)
    above = int((matcher.scores >= threshold / 100).sum())
    if fmt == "json":
        print_json({"readiness": ready.overall, "by_category": ready.by_category,
                    "guide_categories": ready.guide_categories, "threshold": threshold,
                    "postings_over_threshold": above, "postings": int((matcher.scores >= 0).sum()),
                    "target_postings": report.target_postings, "targets": list(matcher.targets),
                    "gaps": [dict(gap.to_dict(), why=gap.why(threshold / 100, report.top)) for gap in report.gaps],
                    "also_asked": [gap.to_dict() for gap in report.also_asked]})
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    taxonomy = session.taxonomy
    console.print(f"Readiness: {ready.overall:.0%} of the skill demand of your {report.target_postings} target "
                  f"posting(s) covered; {above} posting(s) over the match threshold of {threshold:g}.")
    areas = Table(title="Readiness by skill area", title_justify="left")
    for column in ("area", "covered", "from the guide"):
        areas.add_column(column)
    for category, share in sorted(ready.by_category.items(), key=lambda kv: -ready.demand_by_category[kv[0]]):
        info = taxonomy.categories.get(category)
        areas.add_row(info.label if info else category, f"{share:.0%}",
                      "yes" if category in ready.guide_categories else "")
    console.print(areas)
    if not report.gaps:
        console.print("Nothing technical left to learn for these postings: you have every skill they ask for.")
    table = Table(title="What to learn next", title_justify="left")
    for column in ("skill", "value", "why", "learn with"):
        table.add_column(column, overflow="fold")
    top_value = max((gap.gain for gap in report.gaps), default=0.0) or 1.0
    for gap in report.gaps:
        resources = "; ".join(r["title"] for r in gap.resources[:2])
        why = gap.why(threshold / 100, report.top) if gap.postings else \
            "first step for " + ", ".join(_label(taxonomy, s) for s in gap.prerequisite_of)
        if gap.prerequisites:
            why += "; learn first: " + ", ".join(_label(taxonomy, s) for s in gap.prerequisites)
        bar = "█" * max(1, round(10 * gap.gain / top_value)) if gap.gain > 0 else ""
        table.add_row(gap.label, bar, why, resources)
    console.print(table)
    if report.also_asked:
        console.print("Also asked, and you lack (not learn-next items): " + ", ".join(
            f"{gap.label} ({gap.postings})" for gap in report.also_asked[:8]))


@click.command("plan")
@click.argument("profile", type=click.Path())
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(min=1),
              help="How many weeks of study the plan fills (one step takes 1-3 weeks by its level).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many gaps (before their prerequisites) the plan considers.")
@click.option("--strict", is_flag=True, help="Unknown skills in the profile are errors, not warnings.")
@db_option
@click.pass_context
def plan_command(ctx: click.Context, profile: str, weeks: int, fmt: str, limit: int, strict: bool) -> None:
    """An ordered study plan for PROFILE: the gaps worth closing, prerequisites first, each with why
    (the jobs it opens) and the resources to learn it with (the guide's and official, free ones).

    A profile with no skills yet gets the guide's foundations first. Works offline.
    """
    from jobmatch.matcher.plan import build_plan
    from jobmatch.matcher.ranking import MATCH_THRESHOLD, Matcher, gap_report

    session, loaded = prepare(ctx, profile, strict=strict, allow_no_skills=True)
    matcher = Matcher(session.index, session.taxonomy, loaded)
    report = gap_report(matcher, limit=limit)
    plan = build_plan(report, session.taxonomy, set(loaded.skills), weeks=weeks, threshold=MATCH_THRESHOLD)
    if fmt == "json":
        print_json(plan.to_dict())
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if plan.note:
        console.print(escape(plan.note))
    for number, step in enumerate(plan.steps, start=1):
        end = step.start_week + step.weeks - 1
        weeks_text = f"week {step.start_week}" if end == step.start_week else f"weeks {step.start_week}-{end}"
        console.print(f"[bold]{number}. {escape(step.label)}[/bold]  ({weeks_text})")
        console.print(f"   why: {escape(step.why)}", highlight=False)
        if step.prerequisites:
            console.print("   after: " + escape(", ".join(_label(session.taxonomy, s) for s in step.prerequisites)),
                          highlight=False)
        for resource in step.resources[:3]:
            console.print(f"   - {escape(resource['title'])} ({resource.get('kind', 'resource')}): "
                          f"{escape(resource.get('url') or '')}", highlight=False, soft_wrap=True)
    if plan.later:
        console.print("Later (beyond " + f"{plan.weeks} weeks): "
                      + escape(", ".join(_label(session.taxonomy, s) for s in plan.later)))
