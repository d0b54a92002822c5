"""Moving postings from the store through the extractor and back (only cli/ does this)."""

from __future__ import annotations

import click

from jobmatch.cli.common import progress


def fill_extractions(store, taxonomy, *, quiet: bool = False, include_closed: bool = False) -> int:
    """Extract skills for every open posting (and closed ones if asked) that lacks them for this
    taxonomy version and these rules; returns how many postings got a new extraction.

    After a taxonomy edit, a posting that mentions none of the skills that changed keeps what was
    extracted from it before (copied to the new version) instead of being read again.
    """
    from jobmatch.taxonomy.versions import (
        EXTRACTOR_VERSION,
        changed_names,
        extraction_key,
        mentions_any,
        signature,
    )

    key = extraction_key(taxonomy)
    pending = store.postings_without_extraction(key, include_closed=include_closed)
    current = signature(taxonomy)
    if not pending:
        store.save_taxonomy_snapshot(key, current)
        return 0
    carried = []
    previous = store.latest_taxonomy_snapshot(f".x{EXTRACTOR_VERSION}", key)
    if previous is not None:
        names = changed_names(previous[1], current)
        earlier = store.extraction_results(previous[0], [p.id for p in pending])
        for posting in pending:
            old = earlier.get(posting.id)
            text = f"{posting.title}\n{posting.description}\n{posting.structured or ''}"
            if old is not None and old[0] == posting.content_hash and not mentions_any(text, names):
                carried.append((posting, old[1]))
        if carried:
            kept = {posting.id for posting, _ in carried}
            pending = [posting for posting in pending if posting.id not in kept]
            store.save_extractions(key, carried)
    store.save_taxonomy_snapshot(key, current)
    if not pending:
        return len(carried)
    from jobmatch.taxonomy.extraction import SkillExtractor

    extractor = SkillExtractor(taxonomy)
    if not quiet:
        click.echo(f"Extracting skills from {len(pending)} posting(s) (taxonomy {taxonomy.version}"
                   + (f"; {len(carried)} unaffected by the taxonomy change kept" if carried else "") + ")...",
                   err=True)
    with progress(len(pending), "Extracting") as bar:
        task = bar.add_task("extract", total=len(pending))

        def results():
            items = ((p.description or p.title, p.title, p.structured) for p in pending)
            for posting, extraction in zip(pending, extractor.extract_many(items), strict=True):
                bar.advance(task)
                result = extraction.to_dict()
                # The store keeps the degree the posting requires; one it only prefers costs nothing.
                result["education"] = extraction.education_required
                yield posting, result

        return len(carried) + store.save_extractions(key, results())
