"""The daily workflow through the real CLI: `postings list|show`, `profile check|init`, help texts,
`report --open`. Each test imports a small JSONL file into a real SQLite store in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import cli

HOSTILE_TITLE = "[bold red]Pwned[/bold red] ML Engineer \x1b[31m[link=https://evil.example]x[/link]"

POSTINGS = [
    {"id": "t:1", "source": "t", "title": "Machine Learning Engineer", "company": "Acme_Labs",
     "locations": ["München, Germany"], "remote": False, "salary_min": 70000, "salary_max": 90000,
     "salary_currency": "EUR", "salary_period": "year", "employment_type": "full-time",
     "posted_at": "2026-01-02", "first_seen": "2026-01-03T02:00:00Z", "last_seen": "2026-01-10T02:00:00Z",
     "url": "https://jobs.example.com/acme/" + "very-long-path-segment-" * 6 + "1",
     "description": "Requirements\n- 3+ years of Python\n- SQL and PyTorch\n\nNice to have\n- Docker"},
    {"id": "t:2", "source": "t", "title": "Data Scientist (100% remote)", "company": "Beta Corp",
     "locations": ["Remote - EU"], "remote": True, "first_seen": "2026-01-05T02:00:00Z",
     "last_seen": "2026-01-10T02:00:00Z", "description": "We need pandas and statistics."},
    {"id": "t:3", "source": "t", "title": "MLOps Engineer", "company": "Gamma", "locations": ["Berlin"],
     "first_seen": "2026-01-01T02:00:00Z", "last_seen": "2026-01-02T02:00:00Z",
     "closed_at": "2026-01-04T02:00:00Z", "description": "Kubernetes and Docker."},
    {"id": "other:9", "source": "other", "title": HOSTILE_TITLE, "company": "[i]Evil[/i]",
     "locations": ["Berlin, Germany"], "first_seen": "2026-01-04T02:00:00Z", "last_seen": "2026-01-04T02:00:00Z",
     "url": "https://evil.example/job", "description": "[blink]Python[/blink] and \x9b31m SQL\u202e."},
]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def db(tmp_path: Path) -> str:
    source = tmp_path / "postings.jsonl"
    source.write_text("".join(json.dumps(p) + "\n" for p in POSTINGS), encoding="utf-8")
    path = str(tmp_path / "store.db")
    result = run("--db", path, "import", str(source))
    assert result.exit_code == 0, result.output
    return path


def listed(db: str, *args: str) -> list[str]:
    result = run("--db", db, "postings", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [record["id"] for record in json.loads(result.stdout)]


def one_line_error(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


# postings list -------------------------------------------------------------------------------


def test_list_is_newest_first_and_filters_by_status(db):
    assert listed(db) == ["t:2", "other:9", "t:1", "t:3"]
    assert listed(db, "--open") == ["t:2", "other:9", "t:1"]
    assert listed(db, "--closed") == ["t:3"]
    assert listed(db, "--all") == listed(db)
    assert listed(db, "--open-only") == listed(db, "--open")  # the older name still works


@pytest.mark.parametrize(("text", "expected"), [
    ("machine LEARNING", ["t:1"]),  # title, any case
    ("acme_", ["t:1"]),  # company; `_` is no wildcard
    ("100%", ["t:2"]),  # `%` is no wildcard
    ("%", ["t:2"]),
    ("münchen", ["t:1"]),  # a location with a letter beyond ASCII (stored as JSON text)
    ("MÜNCHEN", ["t:1"]),
    ("berlin", ["other:9", "t:3"]),
    ("remote - eu", ["t:2"]),
    ("'; DROP TABLE postings; --", []),
])
def test_search_matches_title_company_or_location(db, text, expected):
    assert listed(db, "--search", text) == expected
    assert len(listed(db)) == 4  # still there


def test_search_with_status_and_source(db):
    assert listed(db, "--search", "berlin", "--open") == ["other:9"]
    assert listed(db, "--source", "other") == ["other:9"]
    assert listed(db, "--source", "t", "--closed") == ["t:3"]


def test_limit_says_how_many_more(db):
    result = run("--db", db, "postings", "list", "--limit", "2")
    assert result.exit_code == 0
    assert "2 of 4 posting(s)" in result.stdout
    assert "Showing the newest 2 of 4 posting(s): 2 more" in result.stderr
    assert listed(db, "--limit", "1") == ["t:2"]
    assert len(listed(db, "--limit", "0")) == 4
    everything = run("--db", db, "postings", "list")
    assert everything.exit_code == 0 and "4 posting(s)" in everything.stdout and "more" not in everything.stderr


def test_table_shows_fifty_by_default_json_all(tmp_path):
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"id": f"m:{i:03d}", "source": "m", "title": f"ML Engineer {i}",
                                          "first_seen": f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z",
                                          "description": "Python"}) + "\n" for i in range(60)), encoding="utf-8")
    db = str(tmp_path / "many.db")
    assert run("--db", db, "import", str(source)).exit_code == 0
    table = run("--db", db, "postings", "list")
    assert "50 of 60 posting(s)" in table.stdout and "10 more" in table.stderr
    assert "m:059" in table.stdout and "m:009" not in table.stdout
    assert len(listed(db)) == 60


def test_no_match_is_said_not_an_empty_table(db, tmp_path):
    result = run("--db", db, "postings", "list", "--search", "nothing like this")
    assert result.exit_code == 0 and result.stdout == ""
    assert "No postings matching 'nothing like this' (of 4 stored)." in result.stderr
    empty = run("--db", str(tmp_path / "empty.db"), "postings", "list")
    assert empty.exit_code == 0 and "no postings yet" in empty.stderr
    assert run("--db", str(tmp_path / "empty.db"), "postings", "list", "--format", "json").stdout == "[]\n"


def test_list_escapes_hostile_text(db):
    result = run("--db", db, "postings", "list", "--source", "other")
    assert result.exit_code == 0
    assert "[bold" in result.stdout and "\x1b" not in result.stdout and "[i]Evil" in result.stdout


def test_bad_limit_is_a_usage_error(db):
    result = run("--db", db, "postings", "list", "--limit", "-1")
    assert result.exit_code == 2


# postings show -------------------------------------------------------------------------------


def test_show_prints_one_posting_in_full(db):
    result = run("--db", db, "postings", "show", "t:1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in ("Machine Learning Engineer", "Acme_Labs", "München, Germany", "remote      no",
                     "70,000-90,000 EUR a year", "full-time", "2026-01-02", "first 2026-01-03, last 2026-01-10",
                     "- SQL and PyTorch", "Nice to have"):
        assert expected in out, expected
    url = POSTINGS[0]["url"]
    assert f"url         {url}\n" in out  # whole, on one line, in a pipe
    assert "CLOSED" not in out
    assert "none extracted for this taxonomy" in out


def test_show_groups_extracted_skills_by_level(db):
    assert run("--db", db, "extract").exit_code == 0
    result = run("--db", db, "postings", "show", "t:1")
    assert result.exit_code == 0, result.output
    lines = {line.split(":", 1)[0].strip(): line for line in result.stdout.splitlines() if ":" in line}
    assert "Python (3+ years)" in lines["required"] and "PyTorch" in lines["required"]
    assert "Docker" in lines["preferred"]
    data = json.loads(run("--db", db, "postings", "show", "t:1", "--format", "json").stdout)
    assert data["status"] == "open" and data["description"] == POSTINGS[0]["description"]
    by_id = {skill["id"]: skill for skill in data["extraction"]["skills"]}
    assert by_id["python"]["requirement"] == "required" and by_id["python"]["years"] == 3
    assert by_id["docker"]["requirement"] == "preferred" and by_id["docker"]["label"] == "Docker"
    start, end = by_id["pytorch"]["spans"][0]
    assert data["description"][start:end] == "PyTorch"


def test_show_a_closed_posting_marks_it_closed(db):
    result = run("--db", db, "postings", "show", "t:3")
    assert result.exit_code == 0
    assert "CLOSED: gone from its board since 2026-01-04" in result.stdout
    assert "closed postings are not extracted" in result.stdout
    assert json.loads(run("--db", db, "postings", "show", "t:3", "--format", "json").stdout)["status"] == "closed"


def test_show_by_the_boards_own_id(db):
    result = run("--db", db, "postings", "show", "9")
    assert result.exit_code == 0 and "Evil" in result.stdout


def test_show_unknown_or_ambiguous_id_is_one_line(db):
    result = run("--db", db, "postings", "show", "t:404")
    assert result.exit_code == 1
    assert "no posting with id 't:404'" in one_line_error(result)
    result = run("--db", db, "postings", "show", "t:")
    assert result.exit_code == 1
    assert "matches several postings" in one_line_error(result)
    result = run("--db", db, "postings", "show", "%")
    assert result.exit_code == 1 and "no posting" in one_line_error(result)


def test_show_prints_hostile_text_as_text(db):
    result = run("--db", db, "postings", "show", "other:9")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[bold red]Pwned[/bold red] ML Engineer" in out and "[link=https://evil.example]x[/link]" in out
    assert "[i]Evil[/i]" in out and "[blink]Python[/blink]" in out
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out


def test_show_hostile_text_on_a_terminal(db, monkeypatch):
    """On a (forced) terminal the skills are styled, yet posting text never becomes markup."""
    assert run("--db", db, "extract").exit_code == 0
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "100")
    result = run("--db", db, "postings", "show", "other:9")
    assert result.exit_code == 0
    plain = result.stdout
    assert "[bold red]Pwned[/bold red]" in plain and "evil.example]x" in plain
    assert "\x1b[31m" not in plain and "\x1b]8;id" not in plain.split("url")[0]
