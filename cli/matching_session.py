"""Getting a ranking ready: profile, taxonomy, extracted postings and the cached skill matrix.

The only place that moves data between the store and the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import click

from jobmatch.cli.common import (
    cache_dir,
    index_cache_path,
    list_caches,
    load_taxonomy,
    open_store,
    remove_caches,
    superseded_caches,
)
from jobmatch.cli.extraction_runs import fill_extractions

SAMPLE_POSTINGS = files("jobmatch.crawler") / "data" / "sample_postings.jsonl"


@dataclass
class MatchingSession:
    taxonomy: object
    profile: object
    index: object
    store: object
    using_sample: bool


def prepare(ctx: click.Context, profile_path: str | None, *, strict: bool = False,
            allow_no_skills: bool = False) -> MatchingSession:
    """Taxonomy, profile (None: none yet, for a batch over many), store and the skill matrix."""
    from jobmatch.matcher.places import set_gazetteer_cache
    from jobmatch.matcher.profile import load_profile

    set_gazetteer_cache(cache_dir())  # the place tables, built once and kept beside the index caches
    taxonomy = load_taxonomy()
    profile = None
    if profile_path is not None:
        profile = load_profile(profile_path, taxonomy, strict=strict, allow_no_skills=allow_no_skills)
        for warning in profile.warnings:
            click.echo(f"Warning: {warning}", err=True)
    store = open_store(ctx)
    using_sample = not store.has_open_postings()
    if using_sample:
        store = _sample_store(ctx)
        click.echo("The store has no open postings: ranking the bundled illustrative sample "
                   "(run `jobmatch crawl` or `jobmatch import` for real ones).", err=True)
    index = _index(store, taxonomy, ctx)
    return MatchingSession(taxonomy, profile, index, store, using_sample)


def _sample_store(ctx: click.Context):
    """The bundled sample as a store in the cache folder, filled once: a lock file makes processes
    that start together wait for the first to fill it instead of all filling it at once."""
    from jobmatch.crawler.importing import read_postings
    from jobmatch.crawler.lock import file_lock
    from jobmatch.crawler.store import Store

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with file_lock(folder / "sample.db.lock"):
        store = Store(str(folder / "sample.db"))
        ctx.call_on_close(store.close)
        if store.count_postings() == 0:
            store.upsert_postings(read_postings(str(SAMPLE_POSTINGS), "jsonl").postings)
    return store


def _index(store, taxonomy, ctx: click.Context):
    """The skill matrix, from the cache when the store and taxonomy have not changed since it was
    built; else skills are extracted where missing and the matrix is built and cached again (one
    cache file per store; the caches it supersedes are deleted)."""
    from jobmatch.crawler.store import utc_now
    from jobmatch.matcher.index import PostingIndex
    from jobmatch.taxonomy.versions import extraction_key

    path = index_cache_path(store.identity)
    version = extraction_key(taxonomy)
    index = PostingIndex.load(path, f"{store.data_version()}|{version}")
    if index is None:
        fill_extractions(store, taxonomy)
        key = f"{store.data_version()}|{version}"
        degrees = frozenset(s.id for s in taxonomy.skills.values() if s.degree_level)
        index = PostingIndex.from_records(store.extractions(version), key=key, leave_out=degrees)
        try:
            index.save(path, {"store": store.identity, "written_at": utc_now()})
        except OSError as error:
            click.echo(f"Warning: could not cache the skill matrix at {path}: {error.strerror or error}", err=True)
        else:
            remove_caches(superseded_caches(list_caches(), path))
    return index
