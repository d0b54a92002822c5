"""Crawl health from stats: a pure function, tested on parametrized stats."""

from __future__ import annotations

import pytest

from jobmatch.crawler.health import EXIT_HEALTHY, EXIT_UNHEALTHY, assess, source_results


def _crawl(**changes):
    stats = {"name": "gh:a", "type": "greenhouse", "pages": 1, "entries": 10, "parsed": 10, "kept": 4,
             "filtered": 6, "dropped": 0, "total": 10, "gone": False, "complete": True, "errors": []}
    stats.update(changes)
    return stats


@pytest.mark.parametrize("crawl, store, reason", [
    (_crawl(), {"new": 4}, None),
    (_crawl(entries=0, parsed=0, kept=0, filtered=0, total=None), {}, None),  # an empty board is fine
    (_crawl(errors=["HTTP 500 after 2 retries (http://x)"], complete=False, pages=0), {}, "HTTP 500 after 2 retries"),
    (_crawl(errors=["board gone (HTTP 404) (http://x)"], gone=True, pages=0), {}, "board gone (HTTP 404)"),
    (_crawl(pages=0, entries=0, parsed=0), {}, "no response"),
    (_crawl(entries=5, parsed=0, dropped=5), {}, "none of its 5 job(s) could be read"),
    (_crawl(entries=0, parsed=0, total=12), {}, "the board reports 12 job(s) but its response listed none"),
    (_crawl(), {"store_errors": ["4 posting(s) not stored: store s.db: cannot write"]}, "not stored"),
    (_crawl(errors=["a", "b", "c", "d", "a"]), {}, "a; b; c (and 1 more)"),
])
def test_one_reason_per_failed_source(crawl, store, reason):
    stats = {"jobmatch/source/gh:a": crawl, "jobmatch/store/gh:a": store}
    (result,) = source_results(stats, [("gh:a", "greenhouse")])
    if reason is None:
        assert result.failure is None
    else:
        assert reason in result.failure
    health = assess([result])
    assert health.exit_code == (EXIT_HEALTHY if reason is None else EXIT_UNHEALTHY)
    assert len(health.failures) == (0 if reason is None else 1)


def test_totals_and_failure_lines_name_each_source():
    stats = {
        "jobmatch/source/ok": _crawl(name="ok"), "jobmatch/store/ok": {"new": 3, "updated": 1, "closed": 2},
        "jobmatch/source/bad": _crawl(name="bad", errors=["timed out (x)"], pages=0),
    }
    results = source_results(stats, [("ok", "greenhouse"), ("bad", "greenhouse"), ("missing", "lever")])
    health = assess(results)
    assert health.exit_code == 3
    assert health.failures == ["bad: timed out (x)", "missing: never ran (its spider did not start)"]
    assert health.totals["new"] == 3 and health.totals["closed"] == 2 and health.totals["failed"] == 2
    assert health.totals["sources"] == 3


def test_nothing_failed_is_healthy():
    assert assess([]).exit_code == 0
