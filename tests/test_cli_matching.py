"""``rank``, ``gaps``, ``skills``, ``extract``, ``taxonomy`` through the CLI on a real store."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def store(tmp_path) -> str:
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    return db


@pytest.mark.parametrize("profile", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_example_profiles_rank_the_sample(store, profile):
    result = run("--db", store, "rank", str(EXAMPLES / profile), "--format", "json", "--top", "5")
    assert result.exit_code == 0, result.output
    ranking = json.loads(result.stdout)
    assert [m["rank"] for m in ranking] == [1, 2, 3, 4, 5]
    assert all(set(m) >= {"rank", "id", "title", "company", "url", "score", "matched", "missing_required",
                          "missing_preferred"} for m in ranking)
    assert [m["score"] for m in ranking] == sorted((m["score"] for m in ranking), reverse=True)
    assert ranking[0]["matched"]


def test_profiles_of_different_people_rank_different_roles_first(store):
    def top_titles(profile: str) -> list[str]:
        result = run("--db", store, "rank", str(EXAMPLES / profile), "--format", "json", "--top", "3")
        return [m["title"].lower() for m in json.loads(result.stdout)]

    assert any(word in " ".join(top_titles("backend-to-mlops.yaml")) for word in ("mlops", "platform", "infra"))
    assert any(word in " ".join(top_titles("data-analyst-to-ml.yaml")) for word in ("data", "analyst", "analytics"))


def test_rank_table_and_explain(store):
    result = run("--db", store, "rank", str(EXAMPLES / "profile.yaml"), "--top", "3", "--explain")
    assert result.exit_code == 0, result.output
    assert "Top 3 of" in result.stdout and "1. " in result.stdout and "fit " in result.stdout
    assert re.search(r"\+\d+(\.\d+)? \w", result.stdout)  # per-skill points


def test_rank_uses_the_bundled_sample_when_the_store_is_empty(tmp_path):
    result = run("--db", str(tmp_path / "empty.db"), "rank", str(EXAMPLES / "profile.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "bundled illustrative sample" in result.stderr
    assert json.loads(result.stdout)


def test_rank_is_deterministic_and_cached(store, jobmatch_home):
    first = run("--db", store, "rank", str(EXAMPLES / "profile.yaml"), "--format", "json")
    assert list((jobmatch_home / "cache").glob("index-*.pickle"))
    second = run("--db", store, "rank", str(EXAMPLES / "profile.yaml"), "--format", "json")
    assert first.stdout == second.stdout


def test_closed_postings_are_not_ranked(store):
    result = run("--db", store, "rank", str(EXAMPLES / "profile.yaml"), "--format", "json", "--top", "100")
    ids = {m["id"] for m in json.loads(result.stdout)}
    closed = [json.loads(line)["id"] for line in open(SAMPLE, encoding="utf-8") if json.loads(line)["closed_at"]]
    assert closed and not ids & set(closed)


def test_gaps_json_contract(store):
    result = run("--db", store, "gaps", str(EXAMPLES / "profile.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 <= data["readiness"] <= 1 and data["by_category"]
    assert all(0 <= share <= 1 for share in data["by_category"].values())
    assert data["gaps"] and all(set(g) >= {"id", "label", "postings", "unlocks", "resources"} for g in data["gaps"])
    table = run("--db", store, "gaps", str(EXAMPLES / "profile.yaml"))
    assert table.exit_code == 0 and "What to learn next" in table.stdout


@pytest.mark.parametrize("text, message", [
    ("skills: [python\n", "line 2, column 1"),
    ("- python\n", "expected a mapping"),
    ("skills: [python]\nyears_experience: -2\n", "years_experience"),
    ("skills: [python]\neducation: wizard\n", "education"),
    ("skills: [quidditch]\n", "none of the profile's skills"),
    ("", "empty"),
])
def test_bad_profiles_give_one_line_and_exit_1(tmp_path, store, text, message):
    profile = tmp_path / "p.yaml"
    profile.write_text(text, encoding="utf-8")
    result = run("--db", store, "rank", str(profile))
    assert result.exit_code == 1, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_unknown_skill_is_a_warning_or_with_strict_an_error(tmp_path, store):
    profile = tmp_path / "p.yaml"
    profile.write_text("skills: [python, pytorh]\n", encoding="utf-8")
    lenient = run("--db", store, "rank", str(profile), "--format", "json")
    assert lenient.exit_code == 0 and "did you mean" in lenient.stderr
    assert json.loads(lenient.stdout)
    strict = run("--db", store, "rank", str(profile), "--strict")
    assert strict.exit_code == 1 and "unknown skill 'pytorh'" in strict.stderr


def test_missing_profile_file(store):
    result = run("--db", store, "rank", "/nonexistent/profile.yaml")
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_skills_json_contract_from_files_and_stdin(tmp_path):
    text = "Requirements:\n- 3+ years of Python\n- Docker\nNice to have: Kubernetes\nBSc in Computer Science\n"
    path = tmp_path / "posting.txt"
    path.write_bytes(text.encode("utf-8"))
    result = run("skills", str(path), "-", "--format", "json", input="We use PyTorch.")
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)
    assert first["source"] == str(path) and second["source"] == "-"
    by_label = {s["label"]: s for s in first["skills"]}
    assert by_label["Python"]["requirement"] == "required" and by_label["Python"]["years"] == 3
    assert by_label["Kubernetes"]["requirement"] == "preferred"
    for skill in first["skills"]:
        assert set(skill) >= {"id", "label", "category", "requirement", "years", "spans", "any_of"}
        assert all(text[start:end].strip() for start, end in skill["spans"])
    assert first["education"] == "bachelor" and first["years_experience"] == 3
    # The BSc line sits under "Nice to have": preferred, not required.
    assert first["education_detail"] == {"required": "none", "preferred": "bachelor",
                                         "fields": ["computer_science"], "equivalent_experience": False}
    assert "Computer science" not in by_label  # the degree's subject, not a skill asked
    assert [s["label"] for s in second["skills"]] == ["PyTorch"]


def test_skills_offsets_count_characters_not_bytes(tmp_path):
    text = "Café Zürich – we need Python.\r\nAnd SQL."
    path = tmp_path / "p.txt"
    path.write_bytes(text.encode("utf-8"))
    [result] = json.loads(run("skills", str(path), "--format", "json").stdout)
    spans = {s["label"]: s["spans"][0] for s in result["skills"]}
    assert text[slice(*spans["Python"])] == "Python" and text[slice(*spans["SQL"])] == "SQL"


def test_skills_table_highlights_evidence(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("Must have Python and SQL.", encoding="utf-8")
    result = run("skills", str(path))
    assert result.exit_code == 0 and "Python" in result.stdout and "requirement" in result.stdout


@pytest.mark.parametrize("content, message", [(None, "no such file"), (b"\xff\xfe\x00", "not valid UTF-8")])
def test_skills_bad_files(tmp_path, content, message):
    path = tmp_path / "p.txt"
    if content is not None:
        path.write_bytes(content)
    result = run("skills", str(path))
    assert result.exit_code == 1 and message in result.stderr


def test_extract_fills_only_what_is_missing(store):
    first = run("--db", store, "extract")
    assert first.exit_code == 0 and "Extracted 38" in first.stderr
    again = run("--db", store, "extract")
    assert "Extracted 0" in again.stderr


def test_taxonomy_change_re_extracts(store, tmp_path, monkeypatch):
    run("--db", store, "extract")
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("skills:\n  - {id: python, aliases: [cpython]}\n", encoding="utf-8")
    monkeypatch.setenv("JOBMATCH_TAXONOMY", str(overlay))
    result = run("--db", store, "extract")
    assert "Extracted 38" in result.stderr


def test_taxonomy_commands(tmp_path):
    listed = run("taxonomy", "list", "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)["skills"]) >= 300
    shown = run("taxonomy", "show", "sklearn", "--format", "json")
    assert json.loads(shown.stdout)["label"] == "scikit-learn"
    assert "did you mean" in run("taxonomy", "show", "pytorh").stderr
    assert run("taxonomy", "validate").stdout.startswith("OK:")
    broken = tmp_path / "overlay.yaml"
    broken.write_text("skills:\n  - {id: my_tool, label: MyTool, category: nowhere}\n", encoding="utf-8")
    result = run("taxonomy", "validate", str(broken))
    assert result.exit_code == 1 and "overlay.yaml: my_tool: field 'category'" in result.stderr


def test_taxonomy_suggest_reports_unknown_terms(tmp_path):
    db = str(tmp_path / "s.db")
    lines = [json.dumps({"title": f"Engineer {i}", "description": f"We use Python, Zorblax and SQL daily. Job {i}."})
             for i in range(3)]
    source = tmp_path / "p.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("--db", db, "import", str(source))
    result = run("--db", db, "taxonomy", "suggest", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {"term": "Zorblax", "postings": 3}.items() <= next(
        s for s in json.loads(result.stdout) if s["term"] == "Zorblax").items()


def test_a_new_posting_reaches_the_cached_ranking(store, tmp_path):
    run("--db", store, "rank", str(EXAMPLES / "profile.yaml"), "--format", "json")
    extra = tmp_path / "new.jsonl"
    extra.write_text(json.dumps({"id": "new:1", "title": "Junior Machine Learning Engineer", "company": "Newco",
                                 "description": "Requirements: Python, NumPy, pandas, scikit-learn, PyTorch, "
                                                "statistics, linear algebra, SQL, Git."}) + "\n", encoding="utf-8")
    assert run("--db", store, "import", str(extra)).exit_code == 0
    result = run("--db", store, "rank", str(EXAMPLES / "profile.yaml"), "--format", "json", "--top", "100")
    assert "new:1" in {m["id"] for m in json.loads(result.stdout)}


def test_a_taxonomy_edit_re_extracts_only_postings_that_mention_what_changed(tmp_path, monkeypatch):
    from jobmatch.crawler.store import Store

    db = str(tmp_path / "s.db")
    source = tmp_path / "p.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "title": "Data Engineer", "description": "Requirements: Zorblax and SQL."},
        {"id": "b", "title": "ML Engineer", "description": "Requirements: Python and PyTorch."},
    ]) + "\n", encoding="utf-8")
    run("--db", db, "import", str(source))
    assert "Extracted 2" in run("--db", db, "extract").stderr
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("skills:\n  - {id: zorblax, label: Zorblax, category: data_engineering}\n", encoding="utf-8")
    monkeypatch.setenv("JOBMATCH_TAXONOMY", str(overlay))
    result = run("--db", db, "extract")
    assert "Extracting skills from 1 posting(s)" in result.stderr and "1 unaffected" in result.stderr
    from jobmatch.cli.common import load_taxonomy
    from jobmatch.taxonomy.versions import extraction_key

    with Store(db) as store:
        found = {r["id"]: {s["id"] for s in r["skills"]} for r in store.extractions(extraction_key(load_taxonomy()))}
    assert found["a"] >= {"zorblax", "sql"} and found["b"] >= {"python", "pytorch"}
