"""``jobmatch trends``: skill demand across crawl runs, from first_seen/closed_at and extractions."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.cli.trends_command import sparkline
from jobmatch.crawler import schema
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store
from jobmatch.matcher.trends import skill_trends
from jobmatch.taxonomy.loading import load_taxonomy


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def posting(n: int, text: str, first_seen: str, closed_at: str | None = None) -> Posting:
    return Posting(title=f"Machine Learning Engineer {n}", company="Acme", source="greenhouse", source_id=str(n),
                   description=f"Job {n}. Requirements: {text}.", locations=["Berlin"],
                   first_seen=first_seen, last_seen=first_seen, closed_at=closed_at)


def add_run(store: Store, finished_at: str | None) -> None:
    run_id = store.start_run([])
    store.finish_run(run_id, "healthy", [], {"new": 0})
    with store.engine.begin() as connection:
        connection.execute(schema.crawl_runs.update().where(schema.crawl_runs.c.id == run_id)
                           .values(started_at=finished_at or "2026-01-01T00:00:00Z", finished_at=finished_at))


@pytest.fixture
def history(tmp_path) -> str:
    """Three runs: Python is asked throughout, Docker grows, Java fades (its postings close)."""
    db = str(tmp_path / "store.db")
    with Store(db) as store:
        store.upsert_postings([
            posting(1, "Python and Java", "2026-01-01T02:00:00Z", closed_at="2026-01-02T02:00:00Z"),
            posting(2, "Python and Java", "2026-01-01T02:00:00Z", closed_at="2026-01-03T02:00:00Z"),
            posting(3, "Python and SQL", "2026-01-01T02:00:00Z"),
            posting(4, "Python and Docker", "2026-01-02T02:00:00Z"),
            posting(5, "Python and Docker", "2026-01-03T02:00:00Z"),
        ])
        for day in ("01", "02", "03"):
            add_run(store, f"2026-01-{day}T03:00:00Z")
        add_run(store, None)  # still running (or killed): not a point in the history
    return db


def test_trends_across_three_runs(history):
    result = run("--db", history, "trends", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["enough_history"] is True and data["note"] is None
    assert [r["at"] for r in data["runs"]] == ["2026-01-01T03:00:00Z", "2026-01-02T03:00:00Z", "2026-01-03T03:00:00Z"]
    assert [r["open_postings"] for r in data["runs"]] == [3, 3, 3]
    skills = {s["id"]: s for s in data["skills"]}
    assert skills["python"]["shares"] == [1.0, 1.0, 1.0] and skills["python"]["change"] == 0.0
    assert skills["docker"]["postings"] == [0, 1, 2] and skills["docker"]["change"] == pytest.approx(0.667)
    assert skills["java"]["postings"] == [2, 1, 0] and skills["java"]["change"] == pytest.approx(-0.667)
    assert "python" in [s["id"] for s in data["skills"][:2]]  # beside the title's "machine learning"


def test_trends_extracts_closed_postings_too(history):
    run("--db", history, "trends")
    with Store(history) as store:
        with store.engine.connect() as connection:
            assert connection.scalar(sa.select(sa.func.count()).select_from(schema.extractions)) == 5


def test_trends_table(history):
    result = run("--db", history, "trends", "--top", "3")
    assert result.exit_code == 0, result.output
    assert "3 crawl runs (2026-01-01 to 2026-01-03)" in result.stdout
    assert "Docker" in result.stdout and "+67 pts" in result.stdout and "Python" in result.stdout


@pytest.mark.parametrize("runs", [0, 1])
def test_too_little_history_says_so(tmp_path, runs):
    db = str(tmp_path / "store.db")
    with Store(db) as store:
        store.upsert_postings([posting(1, "Python", "2026-01-01T02:00:00Z")])
        for day in range(runs):
            add_run(store, f"2026-01-0{day + 1}T03:00:00Z")
    result = run("--db", db, "trends")
    assert result.exit_code == 0, result.output
    assert f"Trends need at least two finished crawl runs; the store has {runs}." in result.stdout
    data = json.loads(run("--db", db, "trends", "--format", "json").stdout)
    assert data["enough_history"] is False and data["skills"] == [] and len(data["runs"]) == runs
    assert data["note"].startswith("Trends need at least two")


def test_skill_trends_is_pure_and_handles_odd_times():
    taxonomy = load_taxonomy()
    runs = [{"id": 2, "finished_at": "2026-01-02T00:00:00+01:00", "status": "healthy"},
            {"id": 1, "finished_at": "2026-01-01T00:00:00Z", "status": "unhealthy"},
            {"id": 3, "finished_at": None, "status": "running"}]
    records = [{"first_seen": "2025-12-31T00:00:00Z", "closed_at": None, "skills": [{"id": "python"}]},
               {"first_seen": "bad", "closed_at": None, "skills": [{"id": "java"}]},
               {"first_seen": "2026-01-01T12:00:00", "closed_at": None, "skills": [{"id": "docker"}]}]
    trends = skill_trends(runs, records, taxonomy, top=5)
    assert [r["id"] for r in trends["runs"]] == [1, 2]
    assert trends["runs"][1]["at"] == "2026-01-01T23:00:00Z"
    assert {s["id"]: s["postings"] for s in trends["skills"]} == {"python": [1, 1], "docker": [0, 1]}
    empty = skill_trends([], [], taxonomy)
    assert empty == {"runs": [], "enough_history": False, "skills": []}


def test_sparkline():
    assert sparkline([0.0, 0.5, 1.0]) == "▁▅█"
    assert sparkline([0.2, 0.2]) == "▅▅" and sparkline([]) == ""
