"""Was the crawl healthy? Decided from the crawl's stats, because Scrapy exits 0 even when a spider
failed. Pure: per-source stats in, an exit code and one reason line per failed source out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

EXIT_HEALTHY, EXIT_UNHEALTHY = 0, 3
CRAWL_PREFIX = "jobmatch/source/"
STORE_PREFIX = "jobmatch/store/"
COUNTED = ("new", "updated", "unchanged", "closed", "duplicates", "kept", "filtered", "dropped")


@dataclass
class SourceResult:
    """What one source gave: the spider's side (pages, entries, errors) and the store's (new, ...)."""

    name: str
    type: str = ""
    pages: int = 0
    entries: int = 0
    parsed: int = 0
    kept: int = 0
    filtered: int = 0
    dropped: int = 0
    total: int | None = None
    gone: bool = False
    complete: bool = False
    errors: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    closed: int = 0
    store_errors: list[str] = field(default_factory=list)
    failure: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def source_results(stats: Mapping[str, Any], sources: Iterable[tuple[str, str]]) -> list[SourceResult]:
    """One result per (name, type) from a crawl's stats; a source with no stats at all never ran."""
    results = []
    for name, board_type in sources:
        crawl = stats.get(CRAWL_PREFIX + name)
        store = stats.get(STORE_PREFIX + name) or {}
        if crawl is None:
            result = SourceResult(name=name, type=board_type, errors=["never ran (its spider did not start)"])
        else:
            known = set(SourceResult.__dataclass_fields__)
            result = SourceResult(**{k: v for k, v in {**crawl, **store}.items() if k in known})
            result.type = result.type or board_type
        result.failure = failure_reason(result)
        results.append(result)
    return results


def failure_reason(result: SourceResult) -> str | None:
    """Why this source failed, in one line; None when it is healthy."""
    if result.gone:
        return "board gone (HTTP 404): remove it from the sources file or fix its key"
    if result.errors:
        unique = list(dict.fromkeys(result.errors))
        more = f" (and {len(unique) - 3} more)" if len(unique) > 3 else ""
        return "; ".join(unique[:3]) + more
    if result.store_errors:
        return "; ".join(dict.fromkeys(result.store_errors))
    if result.pages == 0:
        return "no response"
    if result.entries > 0 and result.parsed == 0:
        return f"none of its {result.entries} job(s) could be read"
    if result.total and result.entries == 0:
        return f"the board reports {result.total} job(s) but its response listed none"
    return None


# What a request that never reached its host fails with (describe_failure's wording).
NETWORK_FAILURES = ("host not found (dns)", "connection refused", "cannot connect", "network is unreachable",
                    "no route to host", "dns lookup failed")


@dataclass
class Health:
    exit_code: int
    failures: list[str]  # "name: reason", one per failed source
    totals: dict[str, int]
    network_unreachable: bool = False  # every source failed before reaching its host (DNS, connection)


def assess(results: Iterable[SourceResult]) -> Health:
    """Exit 0 when every source answered with what it should have, else 3, with one line per failure."""
    results = list(results)
    failures = [f"{r.name}: {r.failure}" for r in results if r.failure]
    totals = {name: sum(getattr(r, name) for r in results) for name in COUNTED}
    totals["failed"] = len(failures)
    totals["sources"] = len(results)
    return Health(EXIT_UNHEALTHY if failures else EXIT_HEALTHY, failures, totals,
                  network_unreachable=network_unreachable(results))


def network_unreachable(results: Iterable[SourceResult]) -> bool:
    """Whether every source failed without a single answer, each on DNS or on connecting: then the
    machine is most likely offline, not the boards broken."""
    results = list(results)
    return bool(results) and all(_never_connected(result) for result in results)


def _never_connected(result: SourceResult) -> bool:
    return (result.failure is not None and result.pages == 0 and bool(result.errors)
            and all(any(kind in error.lower() for kind in NETWORK_FAILURES) for error in result.errors))
