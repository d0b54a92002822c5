"""``jobmatch track``: what a person did with a posting, kept per profile in a real store, and how
`rank` leaves out what they applied to or dismissed."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.crawler.store import Store

REPO = Path(__file__).resolve().parents[1]
PROFILE = str(REPO / "examples" / "profile.yaml")
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_statuses_are_kept_per_profile_and_forgotten(tmp_path):
    store = Store(str(tmp_path / "s.db"))
    store.set_status("me", "a:1", "applied", "sent the CV")
    store.set_status("me", "a:1", "interviewing")
    store.set_status("you", "a:1", "dismissed")
    assert store.statuses("me")["a:1"]["status"] == "interviewing" and store.statuses("me")["a:1"]["note"] is None
    assert store.statuses("you")["a:1"]["status"] == "dismissed"
    store.set_status("me", "a:1", None)
    assert store.statuses("me") == {}


def test_rank_leaves_out_what_you_applied_to_and_shows_the_status(tmp_path):
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    first = json.loads(run("--db", db, "rank", PROFILE, "--format", "json", "--top", "3").stdout)
    top = first[0]["id"]
    assert first[0]["status"] is None
    result = run("--db", db, "track", PROFILE, top, "applied", "--note", "sent the CV")
    assert result.exit_code == 0, result.output
    listed = json.loads(run("--db", db, "track", PROFILE, "--format", "json").stdout)
    assert listed == [{"id": top, "status": "applied", "note": "sent the CV", "updated_at": listed[0]["updated_at"]}]
    after = json.loads(run("--db", db, "rank", PROFILE, "--format", "json", "--top", "3").stdout)
    assert top not in [m["id"] for m in after] and after[0]["id"] == first[1]["id"]
    shown = json.loads(run("--db", db, "rank", PROFILE, "--format", "json", "--top", "3", "--show-tracked").stdout)
    assert shown[0]["id"] == top and shown[0]["status"] == "applied"
    assert run("--db", db, "track", PROFILE, top, "--forget").exit_code == 0
    assert json.loads(run("--db", db, "rank", PROFILE, "--format", "json", "--top", "1").stdout)[0]["id"] == top


def test_unknown_posting_or_status_is_one_line(tmp_path):
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    result = run("--db", db, "track", PROFILE, "nope:1", "applied")
    assert result.exit_code == 1 and "no posting with id 'nope:1'" in result.output
    assert "Traceback" not in result.output
    result = run("--db", db, "track", PROFILE, "sample:001", "married")
    assert result.exit_code == 2
