"""Moving postings from the store through the extractor and back (only cli/ does this)."""

from __future__ import annotations

import click

from jobmatch.cli.common import progress


def fill_extractions(store, taxonomy, *, quiet: bool = False, include_closed: bool = False) -> int:
    """Extract skills for every open posting (and closed ones if asked) that lacks them for this
    taxonomy version."""
    pending = store.postings_without_extraction(taxonomy.version, include_closed=include_closed)
    if not pending:
        return 0
    from jobmatch.taxonomy.extraction import SkillExtractor

    extractor = SkillExtractor(taxonomy)
    if not quiet:
        click.echo(f"Extracting skills from {len(pending)} posting(s) (taxonomy {taxonomy.version})...", err=True)
    with progress(len(pending), "Extracting") as bar:
        task = bar.add_task("extract", total=len(pending))

        def results():
            items = ((p.description or p.title, p.title, p.structured) for p in pending)
            for posting, extraction in zip(pending, extractor.extract_many(items), strict=True):
                bar.advance(task)
                yield posting, extraction.to_dict()

        return store.save_extractions(taxonomy.version, results())
