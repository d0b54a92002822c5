"""``jobmatch taxonomy list|show|validate|suggest``."""

from __future__ import annotations

import click

from jobmatch.cli.common import db_option, load_taxonomy, open_store, overlay_path, print_json
from jobmatch.taxonomy.errors import TaxonomyError


@click.group("taxonomy")
def taxonomy_group() -> None:
    """Inspect and check the skill taxonomy (and your overlay file)."""


@taxonomy_group.command("list")
@click.option("--category", metavar="CATEGORY",
              help="Only this category: its id or its label, in any case ('mlops' or 'MLOps').")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_command(category: str | None, fmt: str) -> None:
    """Every skill with its category and origin (guide or market)."""
    taxonomy = load_taxonomy()
    if category:
        category = _category_id(taxonomy, category)
    skills = [s for s in taxonomy.skills.values() if not category or s.category == category]
    skills.sort(key=lambda s: (s.category, s.id))
    if fmt == "json":
        print_json({"version": taxonomy.version, "skills": [s.to_dict() for s in skills]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(skills)} skill(s), taxonomy version {taxonomy.version}")
    for column in ("id", "label", "category", "origin", "aliases"):
        table.add_column(column, overflow="fold")
    for skill in skills:
        table.add_row(skill.id, skill.label, skill.category, skill.origin, ", ".join(skill.aliases[:6]))
    Console().print(table)


def _category_id(taxonomy, name: str) -> str:
    """A category by id or label, case-insensitively; an unknown one is an error listing the labels."""
    wanted = " ".join(name.replace("_", " ").split()).casefold()
    for category in taxonomy.categories.values():
        if wanted in (category.id.replace("_", " ").casefold(), " ".join(category.label.split()).casefold()):
            return category.id
    import difflib

    names = {c.id.replace("_", " "): c.id for c in taxonomy.categories.values()}
    names.update({c.label.casefold(): c.label for c in taxonomy.categories.values()})  # labels first
    close = [names[n] for n in difflib.get_close_matches(wanted, list(names), n=2, cutoff=0.6)]
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    known = "; ".join(f"{c.label} ({c.id})" for c in sorted(taxonomy.categories.values(), key=lambda c: c.label))
    raise TaxonomyError("taxonomy", f"unknown category {name!r}; {hint}known: {known}")


@taxonomy_group.command("show")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show_command(name: str, fmt: str) -> None:
    """One skill by id or any of its names: aliases, links and the guide's resources."""
    taxonomy = load_taxonomy()
    skill_id = taxonomy.resolve(name)
    if skill_id is None:
        import difflib

        close = difflib.get_close_matches(name.lower(), taxonomy.names(), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise TaxonomyError("taxonomy", f"no skill named {name!r}{hint}")
    skill = taxonomy.skills[skill_id]
    if fmt == "json":
        print_json(skill.to_dict())
        return
    lines = [f"{skill.label} ({skill.id})", f"  category: {taxonomy.categories[skill.category].label}",
             f"  origin:   {'the guide' if skill.origin == 'guide' else 'job postings (not in the guide)'}"]
    if skill.aliases or skill.context_names:
        lines.append(f"  names:    {', '.join((*skill.aliases, *skill.context_names))}")
    for label, ids in (("broader", skill.broader), ("related", skill.related)):
        if ids:
            lines.append(f"  {label}:  {', '.join(taxonomy.skills[i].label for i in ids)}")
    if skill.esco:
        lines.append(f"  ESCO:     {skill.esco}")
    for resource in skill.resources:
        by = f" ({resource.provider})" if resource.provider else ""
        url = f" <{resource.url}>" if resource.url else ""
        lines.append(f"  learn:    {resource.kind}: {resource.title}{by}{url}")
    click.echo("\n".join(lines))


@taxonomy_group.command("validate")
@click.argument("overlay", required=False, type=click.Path())
def validate_command(overlay: str | None) -> None:
    """Check the bundled taxonomy, merged with OVERLAY (default: your overlay file, if any)."""
    from jobmatch.taxonomy.loading import build_taxonomy, bundled_files

    overlay = overlay or overlay_path()
    taxonomy = build_taxonomy([str(p) for p in bundled_files()], overlay)
    guide = sum(s.origin == "guide" for s in taxonomy.skills.values())
    click.echo(f"OK: {len(taxonomy.skills)} skills ({guide} from the guide, {len(taxonomy.skills) - guide} from "
               f"the market) in {len(taxonomy.categories)} categories; version {taxonomy.version}"
               + (f"; overlay {overlay}" if overlay else ""))


@taxonomy_group.command("suggest")
@click.option("--min-postings", default=2, show_default=True, help="Report terms in at least this many postings.")
@click.option("--limit", default=40, show_default=True, type=click.IntRange(min=1),
              help="How many terms to list, the most frequent first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@click.pass_context
def suggest_command(ctx: click.Context, min_postings: int, limit: int, fmt: str) -> None:
    """Skill-like terms frequent in the stored postings that the taxonomy lacks."""
    from jobmatch.taxonomy.discovery import suggest_terms
    from jobmatch.taxonomy.extraction import SkillExtractor

    store = open_store(ctx)
    extractor = SkillExtractor(load_taxonomy())
    texts = (p.description for p in store.iter_postings(include_closed=False))
    found = suggest_terms(extractor, texts, min_postings=min_postings, limit=limit)
    if fmt == "json":
        print_json([{"term": s.term, "postings": s.postings, "example": s.example} for s in found])
        return
    if not found:
        click.echo("No unknown skill-like terms found.", err=True)
        return
    for suggestion in found:
        click.echo(f"{suggestion.postings:5d}  {suggestion.term:<24} {suggestion.example}")
