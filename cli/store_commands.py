"""``jobmatch store info`` and ``jobmatch store prune``: what the store and its caches hold, and
keeping both from growing without bound."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from jobmatch.cli.caches import TEMPORARY_MAX_AGE, CacheFile, list_caches, remove_caches
from jobmatch.cli.common import (
    cache_dir,
    db_option,
    load_taxonomy,
    print_json,
    store_location,
    usage_error,
)

_DURATION = re.compile(r"^\s*(\d+)\s*(h|hours?|d|days?|w|weeks?)\s*$", re.IGNORECASE)
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:]+Z?)?$")


@click.group("store")
def store_group() -> None:
    """Show what the store and its caches hold, and prune them."""


@store_group.command("info")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@click.pass_context
def info_command(ctx: click.Context, fmt: str) -> None:
    """The store: where it is, its size, postings open and closed, extractions, the last crawl,
    and the size of the caches built from it. Never creates a store; a read-only one is fine."""
    from jobmatch.crawler.store import Store
    from jobmatch.taxonomy.versions import extraction_key

    store = Store(store_location(ctx), create=False)
    ctx.call_on_close(store.close)
    info = store.info()
    current = extraction_key(load_taxonomy())
    caches = list_caches(cache_dir())
    mine = [cache for cache in caches if cache.kind == "index" and cache.store == store.identity]
    data = {
        "store": store.name, "database": store.dialect, "read_only": store.read_only, "size_bytes": store.size_bytes(),
        "postings": {"total": info["postings"], "open": info["open"], "closed": info["closed"],
                     "duplicates": info["duplicates"]},
        "extractions": {"taxonomy_key": current, "current": info["extractions"].get(current, 0),
                        "other_versions": sum(n for key, n in info["extractions"].items() if key != current),
                        "other_keys": sorted(key for key in info["extractions"] if key != current)},
        "crawl_runs": info["crawl_runs"], "last_crawl": info["last_crawl"],
        "cache": {"folder": str(cache_dir()), "store_bytes": sum(c.size for c in mine),
                  "total_bytes": sum(c.size for c in caches), "files": len(caches),
                  "stores": len({c.store for c in caches if c.kind == "index" and c.store})},
        "http_cache": _http_cache_info(store_location(ctx)),
    }
    if fmt == "json":
        print_json(data)
        return
    last = data["last_crawl"]
    crawl = (f"run {last['id']}, {last['started_at']}, {last['status']} ({data['crawl_runs']} run(s) recorded)"
             if last else "never crawled")
    extractions = data["extractions"]
    rows = [
        ("store", f"{data['store']} ({DATABASES.get(data['database'], data['database'])}"
                  + (", read-only)" if data["read_only"] else ")")),
        ("size", _size(data["size_bytes"])),
        ("postings", f"{info['open']:,} open, {info['closed']:,} closed"
                     + (f" ({info['duplicates']:,} marked duplicates of others)" if info["duplicates"] else "")),
        ("extractions", f"{extractions['current']:,} for the current taxonomy"
                        + (f"; {extractions['other_versions']:,} made with {len(extractions['other_keys'])} other "
                           "version(s) (`store prune` drops them)" if extractions["other_versions"] else "")),
        ("last crawl", crawl),
        ("cache", f"{_size(data['cache']['store_bytes'])} for this store; {_size(data['cache']['total_bytes'])} in "
                  f"{data['cache']['folder']} ({data['cache']['files']} file(s))"),
        ("http cache", f"{_size(data['http_cache']['bytes'])} in {data['http_cache']['entries']:,} response(s) at "
                       f"{data['http_cache']['folder']}" if data["http_cache"]["entries"] else "empty"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value}")


@store_group.command("prune")
@click.option("--closed-older-than", "closed_older_than", metavar="AGE",
              help="Also delete postings closed longer ago than AGE (90d, 12w, 36h, or a date "
                   "2026-01-31), with their extractions.")
@click.option("--keep-extractions", is_flag=True,
              help="Keep the extractions made with other taxonomy versions (by default they are dropped).")
@click.option("--vacuum", is_flag=True, help="Then give the freed space back to the file system (VACUUM).")
@click.option("--dry-run", is_flag=True, help="Say what would go, delete nothing.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
@click.pass_context
def prune_command(ctx: click.Context, closed_older_than: str | None, keep_extractions: bool, vacuum: bool,
                  dry_run: bool, fmt: str) -> None:
    """Delete what can be rebuilt and will not be used again: caches of stores that are gone, caches
    older than their store or superseded by newer ones, older taxonomy caches, files left by killed
    processes, kept board responses past the HTTP cache's 30 days, and the store's extractions made
    with other taxonomy versions. With
    --closed-older-than, also closed postings (never open ones).

    Caches are also pruned automatically whenever a newer one for the same store is written.
    """
    cutoff = _cutoff(ctx, closed_older_than) if closed_older_than else None
    location = store_location(ctx)
    store = _open_if_present(location, needed=bool(cutoff or vacuum))
    if store is not None:
        ctx.call_on_close(store.close)
    stale = stale_caches(list_caches(cache_dir()), current=store)
    freed = sum(cache.size for cache, _ in stale) if dry_run else remove_caches(stale)
    expired, expired_bytes = _prune_http_cache(location, dry_run=dry_run)
    result: dict[str, Any] = {
        "dry_run": dry_run, "store": store.name if store is not None else location,
        "caches": [{"path": str(cache.path), "reason": reason, "bytes": cache.size} for cache, reason in stale],
        "cache_bytes_freed": freed, "closed_before": cutoff, "postings_deleted": 0, "extractions_deleted": 0,
        "old_extractions_deleted": 0, "vacuumed": False,
        "http_cache_responses_deleted": expired, "http_cache_bytes_freed": expired_bytes,
    }
    if store is not None:
        if cutoff:
            if dry_run:
                result["postings_deleted"] = store.closed_before(cutoff)
            else:
                result["postings_deleted"], result["extractions_deleted"] = store.delete_closed(cutoff)
        if not keep_extractions and not store.read_only:
            from jobmatch.taxonomy.versions import extraction_key

            current = extraction_key(load_taxonomy())
            if dry_run:
                result["old_extractions_deleted"] = sum(
                    count for key, count in store.info()["extractions"].items() if key != current)
            else:
                result["old_extractions_deleted"] = store.delete_extractions_except([current])
        if vacuum and not dry_run:
            store.vacuum()
            result["vacuumed"] = True
    if fmt == "json":
        print_json(result)
        return
    _print_pruned(result, stale)


def stale_caches(caches: list[CacheFile], current: Any = None) -> list[tuple[CacheFile, str]]:
    """Which cache files to delete, and why. ``current``: the open store of this run, if any (its
    cache is compared with its data version; other SQLite stores are read without opening them)."""
    from jobmatch.crawler.store import is_url, peek_data_version

    stale: list[tuple[CacheFile, str]] = []
    newest_taxonomy = max((c for c in caches if c.kind == "taxonomy"), key=lambda c: c.modified, default=None)
    newest_of_store: dict[str, CacheFile] = {}
    for cache in caches:
        if cache.kind == "index" and cache.store:
            kept = newest_of_store.get(cache.store)
            if kept is None or cache.modified > kept.modified:
                newest_of_store[cache.store] = cache
    versions: dict[str, str | None] = {}
    if current is not None:
        versions[current.identity] = current.data_version()
    for cache in caches:
        if cache.kind == "temporary":
            if time.time() - cache.modified > TEMPORARY_MAX_AGE:
                stale.append((cache, "left by an interrupted process"))
        elif cache.kind == "taxonomy":
            if cache is not newest_taxonomy:
                stale.append((cache, "an older taxonomy"))
        elif cache.kind == "index":
            if cache.legacy:
                stale.append((cache, "written by an older jobmatch"))
                continue
            if newest_of_store.get(cache.store or "") is not cache:
                stale.append((cache, "superseded by a newer cache of the same store"))
                continue
            store = cache.store or ""
            if is_url(store) and store not in versions:
                continue  # another database: not checked (it may be unreachable from here)
            if store not in versions:
                versions[store] = peek_data_version(store) if Path(store).exists() else None
                if versions[store] is None and not Path(store).exists():
                    stale.append((cache, "its store is gone"))
                    continue
            version = versions[store]
            if version is not None and (cache.key or "").split("|", 1)[0] != version:
                stale.append((cache, "older than its store (rebuilt on the next rank)"))
    return stale


def http_cache_folder(location: str) -> tuple[Path, float]:
    """Where ``jobmatch crawl`` keeps the boards' last responses for this store, and for how many
    seconds an entry is used (crawler/recrawl.py; older ones are fetched afresh, never read again)."""
    from jobmatch.cli.common import home_dir
    from jobmatch.crawler.lock import lock_path_for
    from jobmatch.crawler.recrawl import cache_settings

    settings = cache_settings(lock_path_for(location, home_dir()))
    return Path(settings["HTTPCACHE_DIR"]), float(settings["HTTPCACHE_EXPIRATION_SECS"])


def _http_cache_entries(folder: Path) -> list[tuple[Path, float, int]]:
    """Each kept response (Scrapy's FilesystemCacheStorage: SPIDER/ab/abcdef.../ with its files):
    (its folder, when it was last written, its bytes)."""
    entries = []
    if not folder.is_dir():
        return entries
    for spider in folder.iterdir():
        for prefix in spider.iterdir() if spider.is_dir() else ():
            for entry in prefix.iterdir() if prefix.is_dir() else ():
                try:
                    stats = [path.stat() for path in entry.iterdir() if path.is_file()]
                except OSError:
                    continue
                if stats:
                    entries.append((entry, max(st.st_mtime for st in stats), sum(st.st_size for st in stats)))
    return entries


def _http_cache_info(location: str) -> dict[str, Any]:
    folder, _ = http_cache_folder(location)
    entries = _http_cache_entries(folder)
    return {"folder": str(folder), "entries": len(entries), "bytes": sum(size for _, _, size in entries)}


def _prune_http_cache(location: str, *, dry_run: bool) -> tuple[int, int]:
    """Delete the kept responses older than the cache's expiry (a board left out of the sources file
    leaves its response behind, and an expired one is fetched afresh anyway); returns (count, bytes)."""
    import shutil

    folder, expiry = http_cache_folder(location)
    cutoff = time.time() - expiry
    count = freed = 0
    for entry, written, size in _http_cache_entries(folder):
        if written >= cutoff:
            continue
        if not dry_run:
            shutil.rmtree(entry, ignore_errors=True)
        count, freed = count + 1, freed + size
    return count, freed


def _open_if_present(location: str, *, needed: bool):
    """The store of this run, if it exists (prune never creates one). Errors matter only when the
    prune needs the store (--closed-older-than, --vacuum); else the caches are pruned regardless."""
    from jobmatch.crawler.errors import StoreError
    from jobmatch.crawler.store import Store, is_url

    if not is_url(location) and not Path(location).expanduser().exists():
        if needed:
            Store(location, create=False)  # raises the one-line "does not exist" error
        return None
    try:
        return Store(location, create=False)
    except StoreError:
        if needed:
            raise
        return None


def _cutoff(ctx: click.Context, age: str) -> str:
    """``--closed-older-than`` as an ISO instant (UTC): postings closed before it go."""
    text = age.strip()
    if _DATE.match(text):
        return text if "T" in text else f"{text}T00:00:00Z"
    match = _DURATION.match(text)
    if not match:
        usage_error(ctx, f"--closed-older-than {age}: give an age like 90d, 12w or 36h, or a date like 2026-01-31")
    amount, unit = int(match.group(1)), match.group(2)[0].lower()
    delta = {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]
    return (datetime.now(UTC) - delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _print_pruned(result: dict[str, Any], stale: list[tuple[CacheFile, str]]) -> None:
    verb = "Would remove" if result["dry_run"] else "Removed"
    by_reason: dict[str, list[CacheFile]] = {}
    for cache, reason in stale:
        by_reason.setdefault(reason, []).append(cache)
    lines = [f"{verb} {len(files)} cache file(s): {reason} ({_size(sum(c.size for c in files))})"
             for reason, files in by_reason.items()]
    if result["closed_before"]:
        verb = "Would delete" if result["dry_run"] else "Deleted"
        lines.append(f"{verb} {result['postings_deleted']:,} posting(s) closed before {result['closed_before']}"
                     + ("" if result["dry_run"] else f" and {result['extractions_deleted']:,} extraction(s) of them"))
    if result["old_extractions_deleted"]:
        verb = "Would delete" if result["dry_run"] else "Deleted"
        lines.append(f"{verb} {result['old_extractions_deleted']:,} extraction(s) made with other taxonomy versions")
    if result["http_cache_responses_deleted"]:
        verb = "Would remove" if result["dry_run"] else "Removed"
        lines.append(f"{verb} {result['http_cache_responses_deleted']:,} kept board response(s) older than the HTTP "
                     f"cache keeps them ({_size(result['http_cache_bytes_freed'])})")
    if result["vacuumed"]:
        lines.append(f"Vacuumed {result['store']}")
    if not lines:
        lines.append("Nothing to prune.")
    elif stale:
        lines.append(f"{'Would free' if result['dry_run'] else 'Freed'} {_size(result['cache_bytes_freed'])} of cache.")
    for line in lines:
        click.echo(line)


def _size(count: int | None) -> str:
    if count is None:
        return "unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"

