"""The cache folder's files, without a command line (the commands and the workers share them)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

# Everything under JOBMATCH_HOME/cache can be rebuilt: the ranking's skill matrix per store
# (index-*.pickle, each starting with a JSON line naming its store), the parsed taxonomy
# (taxonomy-*.pickle) and the bundled sample as a store (sample.db). A cache is superseded when a
# newer one for the same store is written; `jobmatch store prune` also drops the caches of stores
# that are gone.

TEMPORARY_MAX_AGE = 3600.0  # seconds: a temp file this old was left by a killed process


def index_cache_path(folder: Path, identity: str) -> Path:
    """Where the skill matrix of the store named ``identity`` (``Store.identity``) is cached."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
    return folder / f"index-{digest}.pickle"


@dataclass
class CacheFile:
    path: Path
    kind: str  # index | taxonomy | sample | temporary | other
    size: int
    modified: float
    store: str | None = None  # the store an index cache was built from (its identity)
    key: str | None = None  # what the index was built for: "<store token>#<generation>|<taxonomy key>"

    @property
    def legacy(self) -> bool:
        """An index cache without a header: written by an older jobmatch, never read again."""
        return self.kind == "index" and self.store is None


def list_caches(folder: Path) -> list[CacheFile]:
    """Every file in the cache folder, with what it is (index headers read, nothing unpickled)."""
    from jobmatch.matcher.index import PostingIndex

    found: list[CacheFile] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        try:
            stat = path.stat()
        except OSError:
            continue
        if not path.is_file():
            continue
        name = path.name
        if name.endswith(".tmp"):
            kind = "temporary"
        elif name.startswith("index-") and name.endswith(".pickle"):
            kind = "index"
        elif name.startswith("taxonomy-") and name.endswith(".pickle"):
            kind = "taxonomy"
        elif name.startswith("sample.db"):
            kind = "sample"
        else:
            kind = "other"
        cache = CacheFile(path, kind, stat.st_size, stat.st_mtime)
        if kind == "index":
            header = PostingIndex.read_header(path) or {}
            cache.store = header.get("store") if isinstance(header.get("store"), str) else None
            cache.key = header.get("key") if isinstance(header.get("key"), str) else None
        found.append(cache)
    return found


def superseded_caches(caches: list[CacheFile], current: Path) -> list[tuple[CacheFile, str]]:
    """The caches that ``current`` (an index cache just written) makes useless: other caches of the
    same store, index caches of an older format, and temporary files left by killed processes."""
    mine = next((cache for cache in caches if cache.path == current), None)
    now = time.time()
    stale = []
    for cache in caches:
        if cache.path == current:
            continue
        if cache.kind == "index" and mine is not None and cache.store == mine.store:
            stale.append((cache, "superseded by a newer cache of the same store"))
        elif cache.legacy:
            stale.append((cache, "written by an older jobmatch"))
        elif cache.kind == "temporary" and now - cache.modified > TEMPORARY_MAX_AGE:
            stale.append((cache, "left by an interrupted process"))
    return stale


def remove_caches(stale: list[tuple[CacheFile, str]]) -> int:
    """Delete these cache files (one gone already is fine); returns the bytes freed."""
    freed = 0
    for cache, _reason in stale:
        try:
            cache.path.unlink()
            freed += cache.size
        except FileNotFoundError:
            pass
        except OSError:
            continue
    return freed
