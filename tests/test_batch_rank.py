"""``rank --profiles``: many profiles against one loaded index, each result the same as a single rank."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

from click.testing import CliRunner

from jobmatch.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_batch_matches_single_ranks_and_skips_bad_profiles(tmp_path):
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    for example in sorted((REPO / "examples").glob("*.yaml")):
        shutil.copy(example, profiles / example.name)
    (profiles / "broken.yaml").write_text("skills: [python\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("--db", db, "rank", "--profiles", str(profiles), "--out", str(out), "--top", "5")
    assert result.exit_code == 1  # one profile could not be read: said, and the rest written
    assert "broken.yaml" in result.stderr and "Traceback" not in result.output
    written = sorted(p.name for p in out.glob("*.json"))
    assert written == sorted(p.stem + ".json" for p in (REPO / "examples").glob("*.yaml"))
    for example in sorted((REPO / "examples").glob("*.yaml")):
        single = json.loads(run("--db", db, "rank", str(example), "--format", "json", "--top", "5").stdout)
        batch = json.loads((out / f"{example.stem}.json").read_text(encoding="utf-8"))
        assert [(m["id"], m["score"]) for m in batch] == [(m["id"], m["score"]) for m in single]


def test_batch_needs_out_and_profiles(tmp_path):
    assert run("rank", "--profiles", str(tmp_path)).exit_code == 2
    empty = tmp_path / "none"
    empty.mkdir()
    result = run("rank", "--profiles", str(empty), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "no profile files" in result.output
    assert run("rank").exit_code == 2
