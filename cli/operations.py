"""What the commands do, as plain typed functions: the click commands and the queue's workers both
call them, so a command is parsing and printing and a worker is a loop over tasks.

No click here (an import-linter contract holds it): messages for the person go through a
``notify`` callback (the commands echo them to stderr, workers log them), user mistakes are
raised as the packages' own errors (``OperationError`` for this module's), and where things live
comes in a ``Workspace``. This is the only place that moves data between the store and the
matcher; it lives in cli/ because only cli/ may import both the crawler's store and the matcher.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobmatch.cli.caches import index_cache_path, list_caches, remove_caches, superseded_caches

if TYPE_CHECKING:  # imported lazily at run time: SQLAlchemy, NumPy and spaCy are slow to import
    from jobmatch.crawler.posting import Posting
    from jobmatch.crawler.store import Store
    from jobmatch.matcher.index import PostingIndex
    from jobmatch.matcher.profile import Profile
    from jobmatch.matcher.ranking import Ranking
    from jobmatch.taxonomy.model import Taxonomy

SAMPLE_POSTINGS = files("jobmatch.crawler") / "data" / "sample_postings.jsonl"
PROFILE_SUFFIXES = (".yaml", ".yml")

Notify = Callable[[str], None]
Progress = Callable[[int, int], None]  # (done, total) as extraction goes


def ignore(_message: str) -> None:
    """A ``notify`` that drops every message."""


class OperationError(Exception):
    """A user mistake found while doing a command's work (no profiles in a folder, a SQLite store
    given to the team queue, ...): the commands say it in one line."""


@dataclass(frozen=True)
class Workspace:
    """Where one person's or one team's jobmatch keeps things: the home folder (JOBMATCH_HOME:
    caches, the taxonomy overlay) and the store (a SQLite path or a database URL)."""

    home: Path
    store_location: str

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    def load_taxonomy(self) -> Taxonomy:
        return load_user_taxonomy(self.home)

    def open_store(self) -> Store:
        from jobmatch.crawler.store import Store

        return Store(self.store_location)


def taxonomy_overlay(home: Path) -> str | None:
    """The user's taxonomy overlay: JOBMATCH_TAXONOMY, else taxonomy.yaml in the home folder if present."""
    chosen = os.environ.get("JOBMATCH_TAXONOMY")
    if chosen:
        return chosen
    candidate = home / "taxonomy.yaml"
    return str(candidate) if candidate.is_file() else None


def load_user_taxonomy(home: Path) -> Taxonomy:
    """The bundled taxonomy with the user's overlay, its parse cached under the home folder."""
    from jobmatch.taxonomy.loading import load_taxonomy

    return load_taxonomy(taxonomy_overlay(home), str(home / "cache"))


# Extraction ---------------------------------------------------------------------------------

def pending_extractions(store: Store, taxonomy: Taxonomy, *, include_closed: bool = False) -> tuple[list[Posting], int]:
    """The postings that must be read for this taxonomy and these rules, and how many were carried.

    After a taxonomy edit, a posting that mentions none of the skills that changed keeps what was
    extracted from it before (copied to the new version here) instead of being read again.
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
    carried: list[tuple[Posting, dict[str, Any]]] = []
    if pending:
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
    return pending, len(carried)


def extract_postings(store: Store, taxonomy: Taxonomy, postings: Sequence[Posting], *,
                     progress: Progress | None = None, extractor: Any = None) -> int:
    """Read these postings' skills and save them for the current taxonomy key; returns how many.
    Saving is an upsert on (posting, key): extracting a posting again changes nothing."""
    if not postings:
        return 0
    from jobmatch.taxonomy.extraction import SkillExtractor
    from jobmatch.taxonomy.versions import extraction_key

    extractor = extractor or SkillExtractor(taxonomy)

    def results():
        items = ((p.description or p.title, p.title, p.structured) for p in postings)
        for done, (posting, extraction) in enumerate(zip(postings, extractor.extract_many(items), strict=True), 1):
            if progress is not None:
                progress(done, len(postings))
            result = extraction.to_dict()
            # The store keeps the degree the posting requires; one it only prefers costs nothing.
            result["education"] = extraction.education_required
            yield posting, result

    return store.save_extractions(extraction_key(taxonomy), results())


def fill_extractions(store: Store, taxonomy: Taxonomy, *, include_closed: bool = False, notify: Notify = ignore,
                     progress: Progress | None = None) -> int:
    """Extract skills for every open posting (and closed ones if asked) that lacks them for this
    taxonomy version and these rules; returns how many postings got a new extraction."""
    pending, carried = pending_extractions(store, taxonomy, include_closed=include_closed)
    if pending:
        notify(f"Extracting skills from {len(pending)} posting(s) (taxonomy {taxonomy.version}"
               + (f"; {carried} unaffected by the taxonomy change kept" if carried else "") + ")...")
    return carried + extract_postings(store, taxonomy, pending, progress=progress)


def extract_batch(store: Store, taxonomy: Taxonomy, key: str, posting_ids: Sequence[str], *,
                  extractor: Any = None) -> int:
    """A worker's task: extract these postings for ``key`` where they still lack it (a repeated or
    retried batch reads nothing twice). Returns how many were read."""
    from jobmatch.taxonomy.versions import extraction_key

    mine = extraction_key(taxonomy)
    if key != mine:
        raise OperationError(f"the batch is for taxonomy {key}, this worker's is {mine}: start the workers "
                             "with the same jobmatch version and taxonomy overlay as the command that queued it")
    done = store.extraction_results(key, list(posting_ids))
    postings = [posting for posting in store.postings_by_id(list(posting_ids))
                if posting.id not in done or done[posting.id][0] != posting.content_hash]
    return extract_postings(store, taxonomy, postings, extractor=extractor)


# Crawling -------------------------------------------------------------------------------------

def crawl_source(workspace: Workspace, sources_text: str, source_name: str, *, path: str = "<sources>",
                 settings: Mapping[str, Any] | None = None) -> str:
    """A distributed crawl's task: crawl the one source of a sources file's text into the store
    (beside the crawl's other sources, never beside a whole crawl); says what it stored."""
    import yaml

    from jobmatch.crawler.lock import lock_path_for
    from jobmatch.crawler.runner import run_crawl
    from jobmatch.crawler.sources import SourcesConfig, parse_sources

    config = parse_sources(yaml.safe_load(sources_text), path)
    chosen = [source for source in config.sources if source.name == source_name]
    if not chosen:
        raise OperationError(f"{path}: no source named {source_name!r} (the file changed since the crawl was queued?)")
    one = SourcesConfig(chosen, config.relevance, config.path)
    result = run_crawl(one, workspace.store_location, lock_path_for(workspace.store_location, workspace.home),
                       dict(settings or {}), one_of_many=True)
    source = result.sources[0]
    return (f"{source.name}: {source.new} new, {source.updated} updated, {source.closed} closed"
            + (f"; FAILED {source.failure}" if source.failure else ""))


def sources_tasks_payloads(sources_path: str | None) -> list[dict[str, Any]]:
    """One crawl task's payload per source of a sources file (the bundled one when None)."""
    from jobmatch.crawler.sources import default_sources_path, load_sources

    config = load_sources(sources_path)  # a bad file is said here, before anything is queued
    path = Path(sources_path) if sources_path is not None else default_sources_path()
    text = path.read_text(encoding="utf-8")
    return [{"sources": text, "path": str(path), "source": source.name} for source in config.sources]


# Ranking ------------------------------------------------------------------------------------

@dataclass
class RankingSession:
    """Everything a ranking needs, loaded once: taxonomy, the store and its skill matrix."""

    taxonomy: Taxonomy
    index: PostingIndex
    store: Store
    using_sample: bool
    workspace: Workspace
    _opened: list[Store] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for store in self._opened:
            store.close()
        self._opened.clear()

    def __enter__(self) -> RankingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load_profile(self, path: str | Path, *, strict: bool = False, allow_no_skills: bool = False,
                     notify: Notify = ignore) -> Profile:
        return load_profile_file(self.workspace, self.taxonomy, path, strict=strict,
                                 allow_no_skills=allow_no_skills, notify=notify)

    def statuses(self, profile_path: str | Path) -> dict[str, dict[str, Any]] | None:
        """What the person tracked (jobmatch track); None on the bundled sample."""
        return None if self.using_sample else self.store.statuses(profile_key(profile_path))


def load_profile_file(workspace: Workspace, taxonomy: Taxonomy, path: str | Path, *, strict: bool = False,
                      allow_no_skills: bool = False, notify: Notify = ignore) -> Profile:
    """A profile YAML file, read against the taxonomy; its warnings go to ``notify``."""
    from jobmatch.matcher.places import set_gazetteer_cache
    from jobmatch.matcher.profile import load_profile

    set_gazetteer_cache(workspace.cache_dir)
    profile = load_profile(str(path), taxonomy, strict=strict, allow_no_skills=allow_no_skills)
    for warning in profile.warnings:
        notify(f"Warning: {warning}")
    return profile


def prepare_ranking(workspace: Workspace, *, notify: Notify = ignore, progress: Progress | None = None,
                    taxonomy: Taxonomy | None = None) -> RankingSession:
    """Taxonomy, store and the skill matrix; the bundled sample when the store has no open postings."""
    from jobmatch.matcher.places import set_gazetteer_cache

    set_gazetteer_cache(workspace.cache_dir)  # the place tables, built once and kept beside the index caches
    taxonomy = taxonomy or workspace.load_taxonomy()
    store = workspace.open_store()
    opened = [store]
    try:
        using_sample = not store.has_open_postings()
        if using_sample:
            store = _sample_store(workspace)
            opened.append(store)
            notify("The store has no open postings: ranking the bundled illustrative sample "
                   "(run `jobmatch crawl` or `jobmatch import` for real ones).")
        index = skill_index(workspace, store, taxonomy, notify=notify, progress=progress)
    except BaseException:
        for opened_store in opened:
            opened_store.close()
        raise
    return RankingSession(taxonomy, index, store, using_sample, workspace, opened)


def _sample_store(workspace: Workspace) -> Store:
    """The bundled sample as a store in the cache folder, filled once: a lock file makes processes
    that start together wait for the first to fill it instead of all filling it at once."""
    from jobmatch.crawler.importing import read_postings
    from jobmatch.crawler.lock import file_lock
    from jobmatch.crawler.store import Store

    folder = workspace.cache_dir
    folder.mkdir(parents=True, exist_ok=True)
    with file_lock(folder / "sample.db.lock"):
        store = Store(str(folder / "sample.db"))
        if store.count_postings() == 0:
            store.upsert_postings(read_postings(str(SAMPLE_POSTINGS), "jsonl").postings)
    return store


def skill_index(workspace: Workspace, store: Store, taxonomy: Taxonomy, *, notify: Notify = ignore,
                progress: Progress | None = None) -> PostingIndex:
    """The skill matrix, from the cache when the store and taxonomy have not changed since it was
    built; else skills are extracted where missing and the matrix is built and cached again (one
    cache file per store; the caches it supersedes are deleted)."""
    from jobmatch.crawler.store import utc_now
    from jobmatch.matcher.index import PostingIndex
    from jobmatch.taxonomy.versions import extraction_key

    path = index_cache_path(workspace.cache_dir, store.identity)
    version = extraction_key(taxonomy)
    index = PostingIndex.load(path, f"{store.data_version()}|{version}")
    if index is None:
        fill_extractions(store, taxonomy, notify=notify, progress=progress)
        key = f"{store.data_version()}|{version}"
        degrees = frozenset(s.id for s in taxonomy.skills.values() if s.degree_level)
        index = PostingIndex.from_records(store.extractions(version), key=key, leave_out=degrees)
        try:
            index.save(path, {"store": store.identity, "written_at": utc_now()})
        except OSError as error:
            notify(f"Warning: could not cache the skill matrix at {path}: {error.strerror or error}")
        else:
            remove_caches(superseded_caches(list_caches(workspace.cache_dir), path))
    return index


def profile_key(profile_path: str | Path) -> str:
    """Which profile a report or a tracked status is for: a hash of the profile file's resolved path."""
    return hashlib.sha256(str(Path(profile_path).resolve()).encode("utf-8")).hexdigest()[:32]


def profile_files(pattern: str) -> list[Path]:
    """The profiles of a folder (its *.yaml and *.yml files) or a glob, sorted. A folder or glob
    with none, or a glob matching only other files, is an error naming it."""
    folder = Path(pattern)
    if folder.is_dir():
        paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PROFILE_SUFFIXES)
        if not paths:
            others = sum(1 for p in folder.iterdir() if p.is_file())
            raise OperationError(f"--profiles {pattern}: no profile files (*.yaml, *.yml) in the folder"
                                 + (f" ({others} other file(s))" if others else " (it is empty)"))
        return paths
    matched = sorted(Path(p) for p in glob.glob(pattern) if Path(p).is_file())
    paths = [p for p in matched if p.suffix.lower() in PROFILE_SUFFIXES]
    if not paths:
        raise OperationError(f"--profiles {pattern}: no profile files (*.yaml, *.yml) match"
                             + (f" ({len(matched)} other file(s) do)" if matched else ""))
    return paths


@dataclass
class BatchOutcome:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per profile that failed to load


def rank_profiles(session: RankingSession, paths: Sequence[Path], out_dir: Path, *, top: int,
                  strict: bool = False, filters: Mapping[str, Any] | None = None, show_tracked: bool = False,
                  notify: Notify = ignore) -> BatchOutcome:
    """Every profile against the session's index in one pass (matcher.batch.rank_many); one JSON
    result per profile in ``out_dir``, named after its file (ana.yaml -> ana.json), each the
    ranking a single `rank` gives. A profile that fails to load is reported and skipped."""
    from jobmatch.matcher.batch import rank_each
    from jobmatch.matcher.errors import ProfileError

    outcome = BatchOutcome()
    loaded: list[tuple[Path, Profile]] = []
    for path in paths:
        try:
            loaded.append((path, session.load_profile(path, strict=strict, notify=notify)))
        except ProfileError as error:
            outcome.skipped.append(str(error))
            notify(f"Skipped {error}")
    out_dir.mkdir(parents=True, exist_ok=True)
    rankings = rank_each(session.index, session.taxonomy, [profile for _, profile in loaded], top=top,
                         filters=filters, statuses=[session.statuses(path) for path, _ in loaded],
                         show_tracked=show_tracked, keep_scores=False)
    for (path, _profile), ranking in zip(loaded, rankings, strict=True):  # each written as it is ready
        target = out_dir / f"{path.stem}.json"
        write_atomically(target, json.dumps([m.to_dict() for m in ranking.matches], ensure_ascii=False,
                                            indent=2) + "\n")
        outcome.written.append(target)
    return outcome


def rank_profile(session: RankingSession, profile: Profile, profile_path: str | Path, *, top: int,
                 filters: Mapping[str, Any] | None = None, show_tracked: bool = False) -> Ranking:
    """One profile's ranking, filtered and with what the person tracked left out."""
    from jobmatch.matcher.batch import rank_many

    return rank_many(session.index, session.taxonomy, [profile], top=top, filters=filters,
                     statuses=[session.statuses(profile_path)], show_tracked=show_tracked)[0]


# Reports ------------------------------------------------------------------------------------

@dataclass
class ReportOutcome:
    text: str
    shown: int
    new_postings: int
    previous: str | None  # when the report before this one was made, if ever


def write_report(session: RankingSession, profile: Profile, profile_path: str | Path, output: Path | None, *,
                 fmt: str, top: int, threshold: float, new_only: bool = False, started: str | None = None,
                 new_since: str | None = None, use_new_since: bool = False) -> ReportOutcome:
    """The report for one profile, written atomically to ``output`` (None: only returned), and its
    time recorded for the profile so the next --new-only starts there.

    ``started``: when the work began (before the skill matrix was built), recorded so that
    nothing arriving meanwhile is left out of the next digest. A worker passes ``new_since`` (read
    when the task was queued, with ``use_new_since``): a repeated task then writes the same digest
    instead of an empty one.
    """
    from jobmatch.cli.report_render import render
    from jobmatch.crawler.store import utc_now
    from jobmatch.matcher.ranking import Matcher
    from jobmatch.matcher.report import build_report, report_watermark

    started = started or utc_now()
    key = profile_key(profile_path)
    previous = new_since if use_new_since else session.store.last_report_at(key)
    matcher = Matcher(session.index, session.taxonomy, profile)
    statuses = session.statuses(profile_path)
    if statuses is not None:
        matcher.apply_statuses(statuses)  # what you applied to or dismissed stays out
    store = session.store
    data = build_report(matcher, top=top, threshold=threshold, new_since=previous, new_only=new_only,
                        generated_at=started, sample=session.using_sample,
                        description_of=lambda posting_id: _description(store, posting_id))
    text = render(data, fmt)
    if output is not None:
        write_atomically(output, text)
    store.record_report(key, report_watermark(started, session.index.first_seen, utc_now()))
    return ReportOutcome(text, data["summary"]["shown"], data["summary"].get("new_postings", 0), previous)


def _description(store: Store, posting_id: str) -> str | None:
    posting = store.get_posting(posting_id)
    return posting.description if posting else None


def write_atomically(path: Path, text: str) -> None:
    """Write to a temp file beside ``path`` and rename it into place: readers never see half a file.
    An existing file keeps its permissions; a new one gets the usual ones (the umask's)."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=folder,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, mode)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
