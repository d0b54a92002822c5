"""``jobmatch rank`` and ``jobmatch gaps``."""

from __future__ import annotations

import click

from jobmatch.cli.common import db_option, print_json
from jobmatch.cli.matching_session import prepare
from jobmatch.matcher.ranking import MATCH_THRESHOLD


def _label(taxonomy, skill_id: str) -> str:
    skill = taxonomy.skills.get(skill_id)
    return skill.label if skill else skill_id


@click.command("rank")
@click.argument("profile", type=click.Path())
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1), help="How many postings to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--strict", is_flag=True, help="Unknown skills in the profile are errors, not warnings.")
@click.option("--explain", is_flag=True, help="Show each posting's score breakdown in the table.")
@db_option
@click.pass_context
def rank_command(ctx: click.Context, profile: str, top: int, fmt: str, strict: bool, explain: bool) -> None:
    """Rank the open postings against PROFILE, best first, with each score explained."""
    from jobmatch.matcher.ranking import Matcher

    session = prepare(ctx, profile, strict=strict)
    ranking = Matcher(session.index, session.taxonomy, session.profile).rank(top)
    if fmt == "json":
        print_json([match.to_dict() for match in ranking.matches])
        return
    _print_ranking(session, ranking, explain)


def _print_ranking(session, ranking, explain: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    taxonomy = session.taxonomy
    title = f"Top {len(ranking.matches)} of {ranking.considered} open posting(s)"
    if session.using_sample:
        title += " (bundled sample)"
    console = Console()
    if explain:
        _print_explained(console, title, taxonomy, ranking)
        return
    table = Table(title=title)
    for column, justify in (("#", "right"), ("score", "right"), ("title", "left"), ("company", "left"),
                            ("you have", "left"), ("missing (required)", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    for match in ranking.matches:
        have = ", ".join(_label(taxonomy, s) for s in match.matched[:6])
        if match.partial:
            have += (", " if have else "") + ", ".join(f"~{_label(taxonomy, c.skill)}" for c in match.partial[:3])
        missing = ", ".join(_label(taxonomy, s) for s in match.missing_required[:6])
        table.add_row(str(match.rank), f"{match.score:.0f}", match.title, match.company, have, missing)
    console.print(table)
    console.print("[dim]~ = partial credit for a related skill; --explain shows each score's breakdown.[/dim]")


def _print_explained(console, title: str, taxonomy, ranking) -> None:
    """Each posting as a block: what added how much, what is missing, which penalty applied."""
    from rich.markup import escape

    console.print(f"[bold]{escape(title)}[/bold]\n")
    for match in ranking.matches:
        console.print(f"[bold]{match.rank}. {escape(match.title)}[/bold] - {escape(match.company or '')}  "
                      f"[bold]{match.score:.0f}[/bold]/100 (fit {match.fit:.0f}: coverage {match.skill_coverage:.0f}, "
                      f"similarity {match.similarity:.0f})")
        if match.url:
            console.print(f"   {escape(match.url)}", highlight=False)
        added = [f"+{c.points:g} {_label(taxonomy, c.skill)}" + (f" (via {_label(taxonomy, c.via)})" if c.via else "")
                 for c in match.contributions]
        if added:
            console.print("   " + escape(", ".join(added)), highlight=False)
        for heading, ids in (("missing, required", match.missing_required),
                             ("missing, nice to have", match.missing_preferred)):
            if ids:
                console.print(f"   {heading}: " + escape(", ".join(_label(taxonomy, s) for s in ids)), highlight=False)
        for penalty in match.penalties:
            console.print(f"   x{penalty['factor']:g} {escape(penalty['reason'])}", highlight=False)
        console.print()


@click.command("gaps")
@click.argument("profile", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--threshold", default=100 * MATCH_THRESHOLD, show_default=True, type=click.FloatRange(0, 100),
              help="Match threshold (score out of 100) that 'unlocks' counts postings over.")
@click.option("--limit", default=15, show_default=True, type=click.IntRange(min=1))
@click.option("--strict", is_flag=True, help="Unknown skills in the profile are errors, not warnings.")
@db_option
@click.pass_context
def gaps_command(ctx: click.Context, profile: str, fmt: str, threshold: float, limit: int, strict: bool) -> None:
    """The missing skills worth learning next, and how ready PROFILE is for the market."""
    from jobmatch.matcher.ranking import Matcher, find_gaps, readiness

    session = prepare(ctx, profile, strict=strict)
    matcher = Matcher(session.index, session.taxonomy, session.profile)
    gaps = find_gaps(matcher, threshold=threshold / 100, limit=limit)
    ready = readiness(matcher)
    above = int((matcher.scores >= threshold / 100).sum())
    if fmt == "json":
        print_json({"readiness": ready.overall, "by_category": ready.by_category,
                    "guide_categories": ready.guide_categories, "threshold": threshold,
                    "postings_over_threshold": above, "postings": int((matcher.scores >= 0).sum()),
                    "gaps": [gap.to_dict() for gap in gaps]})
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    taxonomy = session.taxonomy
    console.print(f"Readiness: {ready.overall:.0%} of the market's skill demand covered; {above} posting(s) "
                  f"over the match threshold of {threshold:g}.")
    areas = Table(title="Readiness by skill area", title_justify="left")
    for column in ("area", "covered", "from the guide"):
        areas.add_column(column)
    for category, share in sorted(ready.by_category.items(), key=lambda kv: -ready.demand_by_category[kv[0]]):
        info = taxonomy.categories.get(category)
        areas.add_row(info.label if info else category, f"{share:.0%}",
                      "yes" if category in ready.guide_categories else "")
    console.print(areas)
    table = Table(title="What to learn next", title_justify="left")
    for column in ("skill", "asked by", "unlocks", "learn with"):
        table.add_column(column, overflow="fold")
    for gap in gaps:
        resources = "; ".join(r["title"] + (f" ({r['provider']})" if r.get("provider") else "")
                              for r in gap.resources[:2])
        table.add_row(gap.label, f"{gap.postings} ({gap.required_by} required)",
                      f"{gap.unlocks} more over {threshold:g}", resources)
    console.print(table)
