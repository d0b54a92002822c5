"""The same store code on PostgreSQL, for teams: migrations, upserts, closing, extractions and the
CLI's import/export/rank through a `postgresql+psycopg://` URL.

Runs where JOBMATCH_TEST_POSTGRES_URL names a database it may empty (`.ci/run` starts Debian's
PostgreSQL and sets it); skipped elsewhere.
"""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.crawler import schema
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store

URL = os.environ.get("JOBMATCH_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="JOBMATCH_TEST_POSTGRES_URL is not set (.ci/run sets it)")
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")
PROFILE = str(Path(__file__).resolve().parents[1] / "examples" / "profile.yaml")


@pytest.fixture
def url() -> str:
    engine = sa.create_engine(URL)
    with engine.begin() as connection:
        schema.metadata.drop_all(connection)
    engine.dispose()
    return URL


def test_migrations_upserts_closing_and_extractions(url):
    store = Store(url)
    posting = Posting(title="ML Engineer", company="Acme", description="Python, SQL.", source="gh", source_id="1",
                      locations=["Berlin"])
    first = store.upsert_postings([posting, Posting(title="Data Engineer", description="Spark.", source="gh",
                                                    source_id="2")], seen_at="2026-01-01T00:00:00Z")
    assert (first.new, first.updated) == (2, 0)
    assert store.close_missing("gh", ["gh:1"], closed_at="2026-01-02T00:00:00Z") == 1
    again = store.upsert_postings([posting], seen_at="2026-01-03T00:00:00Z")
    assert again.unchanged == 1 and store.get_posting("gh:1").closed_at is None
    version = store.data_version()
    store.save_extractions("v1.x1", [(posting, {"skills": [{"id": "python", "requirement": "required",
                                                            "years": None, "spans": [[0, 6]]}]})])
    assert store.data_version() != version
    [row] = list(store.extractions("v1.x1"))
    assert row["skills"][0]["id"] == "python" and row["locations"] == ["Berlin"]
    store.save_taxonomy_snapshot("v1.x1", {"python": ["programming_languages", ["python"], []]})
    assert store.latest_taxonomy_snapshot(".x1", "v2.x1")[0] == "v1.x1"
    assert store.record_report("profile", "2026-01-04T00:00:00Z") == "2026-01-04T00:00:00Z"
    assert store.last_report_at("profile") == "2026-01-04T00:00:00Z"
    store.close()
    assert Store(url).count_postings() == 2  # migrations run once


def test_cli_import_export_and_rank_on_postgresql(url):
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", url, "import", SAMPLE]).exit_code == 0
    exported = runner.invoke(cli, ["--db", url, "postings", "export"])
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    sample = [json.loads(line) for line in open(SAMPLE, encoding="utf-8") if line.strip()]
    assert sorted(r["id"] for r in records) == sorted(r["id"] for r in sample)
    ranked = runner.invoke(cli, ["rank", PROFILE, "--db", url, "--format", "json", "--top", "3"])
    assert ranked.exit_code == 0, ranked.output
    assert len(json.loads(ranked.stdout)) == 3 and "bundled" not in ranked.stderr
