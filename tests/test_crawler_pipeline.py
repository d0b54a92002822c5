"""The store pipeline without a reactor: batches per source, counts, closing after complete crawls."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from jobmatch.crawler.pipelines import StorePipeline
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.sources import parse_sources
from jobmatch.crawler.spiders.board_spider import SourceProgress
from jobmatch.crawler.store import Store


class _Crawler:
    def __init__(self):
        self.stats = MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False}), spider=None))
        self.spider = None


def _posting(source: str, n: int, **changes) -> Posting:
    fields = dict(title=f"ML Engineer {n}", company=source, description=f"PyTorch job {n}", source=source,
                  source_id=str(n), locations=["Berlin"])
    fields.update(changes)
    return Posting(**fields)


def _run(store_path, batches, complete=True, seen_at="2026-01-01T00:00:00Z", batch_size=3):
    config = parse_sources({"sources": [{"type": "greenhouse", "board": "a"}, {"type": "greenhouse", "board": "b"}]})
    progress = {s.name: SourceProgress(s, pages=1, finished=complete) for s in config.sources}
    pipeline = StorePipeline(str(store_path), batch_size=batch_size, seen_at=seen_at)
    pipeline.crawler = _Crawler()
    spider = SimpleNamespace(progress=progress)
    pipeline.open_spider(spider)
    for posting in batches:
        progress[posting.source].seen_ids.add(posting.id)
        pipeline.process_item(posting, spider)
    pipeline.close_spider(spider)
    return pipeline.crawler.stats.get_stats()


def test_counts_per_source_and_closing_only_after_complete_responses(tmp_path):
    path = tmp_path / "s.db"
    a, b = "greenhouse:a", "greenhouse:b"
    stats = _run(path, [_posting(a, 1), _posting(a, 2), _posting(b, 1), _posting(a, 3), _posting(b, 2)])
    assert stats["jobmatch/store/greenhouse:a"] == {"new": 3, "updated": 0, "unchanged": 0, "duplicates": 0,
                                                    "closed": 0, "store_errors": []}
    assert stats["jobmatch/store/greenhouse:b"]["new"] == 2

    # Next night: a:2 changed, a:3 gone, b incomplete (so nothing of b is closed).
    stats = _run(path, [_posting(a, 1), _posting(a, 2, description="PyTorch and JAX"), _posting(b, 1)],
                 seen_at="2026-01-02T00:00:00Z")
    counts = stats["jobmatch/store/greenhouse:a"]
    assert (counts["new"], counts["updated"], counts["unchanged"], counts["closed"]) == (0, 1, 1, 1)
    store = Store(str(path))
    assert store.get_posting("greenhouse:a:3").closed_at == "2026-01-02T00:00:00Z"
    assert stats["jobmatch/store/greenhouse:b"]["closed"] == 1  # b:2 missing from b's complete response

    # It comes back: reopened.
    _run(path, [_posting(a, 3)], seen_at="2026-01-03T00:00:00Z", complete=False)
    assert store.get_posting("greenhouse:a:3").closed_at is None
    store.close()


def test_an_incomplete_source_closes_nothing(tmp_path):
    path = tmp_path / "s.db"
    _run(path, [_posting("greenhouse:a", 1), _posting("greenhouse:a", 2)])
    stats = _run(path, [], complete=False)
    assert stats["jobmatch/store/greenhouse:a"]["closed"] == 0
    assert Store(str(path)).count_postings(include_closed=False) == 2


def test_the_same_job_on_two_boards_is_stored_once_for_rankings(tmp_path):
    path = tmp_path / "s.db"
    _run(path, [_posting("greenhouse:a", 1, title="ML Engineer", company="Acme"),
                _posting("greenhouse:b", 9, title="ML Engineer", company="ACME", description="Other words")])
    store = Store(str(path))
    assert len(list(store.iter_postings(include_duplicates=False))) == 1
    store.close()
