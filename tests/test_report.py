"""``jobmatch report``: every format from the bundled sample, the same content in each, the
new-since-last-report digest, atomic writes, bad input, and the renderers' escaping."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html import escape
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.cli.report_render import CSV_COLUMNS, http_url, md, render_csv, render_html, render_markdown
from jobmatch.crawler.store import Store
from jobmatch.matcher.report import excerpt, new_postings, parse_instant, report_watermark

REPO = Path(__file__).resolve().parents[1]
PROFILE = str(REPO / "examples" / "profile.yaml")
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")
TOP = 5


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def store(tmp_path) -> str:
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    return db


def report(store: str, tmp_path: Path, fmt: str, *extra: str) -> str:
    out = tmp_path / f"report.{fmt}"
    result = run("--db", store, "report", PROFILE, "--format", fmt, "-o", str(out), "--top", str(TOP), *extra)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stderr
    return out.read_text(encoding="utf-8")


def top_ids_json(text: str) -> list[str]:
    return [m["id"] for m in json.loads(text)["matches"]]


def test_every_format_from_the_bundled_sample_shows_the_same_top_postings(store, tmp_path):
    ranked = json.loads(run("--db", store, "rank", PROFILE, "--format", "json", "--top", str(TOP)).stdout)
    expected = [m["id"] for m in ranked]
    outputs = {fmt: report(store, tmp_path, fmt) for fmt in ("json", "md", "csv", "html")}

    data = json.loads(outputs["json"])
    assert top_ids_json(outputs["json"]) == expected
    assert [m["title"] for m in data["matches"]] == [m["title"] for m in ranked]

    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert [row["id"] for row in rows] == expected
    assert tuple(rows[0]) == CSV_COLUMNS

    markdown_titles = re.findall(r"^### \d+\. \[(.+?)\]\(", outputs["md"], flags=re.M)
    assert markdown_titles == [md(m["title"]) for m in ranked]

    html = outputs["html"]
    positions = [html.index(f">{escape(m['title'])}</a>") for m in ranked]
    assert positions == sorted(positions)
    for section in ("Top matches", "What to learn next", "Readiness by skill area", "What the market asks"):
        assert section in outputs["md"] and section in html


def test_json_report_content(store, tmp_path):
    data = json.loads(report(store, tmp_path, "json"))
    assert data["report"] == 1 and data["sample"] is False and data["profile"]["name"] == "Alex Example"
    first = data["matches"][0]
    assert {"rank", "id", "title", "company", "url", "score", "matched", "partial", "missing_required",
            "missing_preferred", "missing_unspecified", "contributions", "penalties", "skill_coverage",
            "fit", "role_family", "missing_any_of", "locations", "first_seen", "new", "lost_to_penalties"} <= set(first)
    assert first["matched"] and all(skill in data["labels"] for skill in first["matched"] + first["missing_required"])
    assert abs(sum(c["points"] for c in first["contributions"]) - first["score"]) < 0.5
    assert data["gaps"] and {"id", "label", "postings", "unlocks", "resources"} <= set(data["gaps"][0])
    assert all(isinstance(gap["resources"], list) and gap["why"] for gap in data["gaps"])
    areas = data["readiness"]["areas"]
    assert areas and any(a["from_guide"] for a in areas) and any(not a["from_guide"] for a in areas)
    assert all(0 <= a["covered"] <= 1 for a in areas)
    market = data["market"]
    assert len(market) == 15 and market[0]["postings"] >= market[-1]["postings"]
    assert {m["coverage"] for m in market} <= {"have", "partial", "missing"}
    assert next(m for m in market if m["id"] == "python")["coverage"] == "have"
    assert data["summary"]["open_postings"] == 38 and data["summary"]["shown"] == TOP
    descriptions = {p["id"]: p["description"] for p in map(json.loads, open(SAMPLE, encoding="utf-8"))}
    assert first["excerpt"] == excerpt(descriptions[first["id"]]) and 100 < len(first["excerpt"]) <= 281


def test_stdout_is_the_default_output_and_the_format_follows_the_extension(store, tmp_path):
    result = run("--db", store, "report", PROFILE, "--format", "json", "--top", "2")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["matches"]) == 2
    result = run("--db", store, "report", PROFILE, "-o", "-", "--format", "csv", "--top", "2")
    assert result.stdout.startswith("rank,id,title")
    out = tmp_path / "digest.html"
    assert run("--db", store, "report", PROFILE, "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run("--db", store, "report", PROFILE).stdout.startswith("# Match report")


def test_empty_store_reports_on_the_bundled_sample(tmp_path):
    result = run("--db", str(tmp_path / "empty.db"), "report", PROFILE, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "bundled illustrative sample" in result.stderr
    data = json.loads(result.stdout)
    assert data["sample"] is True and data["matches"]
    assert "bundled illustrative sample" in render_markdown(data)


@pytest.fixture
def clock(monkeypatch):
    """The store's clock, a minute later at every reading (so 'right after' is not the same second)."""
    from datetime import UTC, datetime, timedelta

    ticks = iter(range(10**6))
    start = datetime(2030, 1, 1, tzinfo=UTC)

    def now() -> str:
        return (start + timedelta(minutes=next(ticks))).isoformat().replace("+00:00", "Z")

    monkeypatch.setattr("jobmatch.crawler.store.utc_now", now)


def test_new_only_digest(store, tmp_path, clock):
    first = json.loads(run("--db", store, "report", PROFILE, "--format", "json", "--new-only").stdout)
    assert first["new_since"] is None and first["summary"]["new_postings"] == 38 and len(first["matches"]) == 20
    ranked = json.loads(run("--db", store, "rank", PROFILE, "--format", "json").stdout)
    assert [m["id"] for m in first["matches"]] == [m["id"] for m in ranked]  # the same order as rank

    second = run("--db", store, "report", PROFILE, "--format", "json", "--new-only")
    data = json.loads(second.stdout)
    assert data["new_since"] and data["matches"] == [] and data["summary"]["new_postings"] == 0
    assert "No new postings since the last report." in render_markdown(data)
    assert "No new postings since the last report." in render_html(data)

    fresh = tmp_path / "fresh.jsonl"
    posting = json.loads(open(SAMPLE, encoding="utf-8").readline())
    posting.update(id="board:new-1", title="Machine Learning Engineer (new)", first_seen=None, last_seen=None,
                   description=posting["description"] + "\nWe also use Rust.")
    fresh.write_text(json.dumps(posting) + "\n", encoding="utf-8")
    assert run("--db", store, "import", str(fresh)).exit_code == 0

    third = json.loads(run("--db", store, "report", PROFILE, "--format", "json", "--new-only").stdout)
    assert [m["id"] for m in third["matches"]] == ["board:new-1"]
    assert third["matches"][0]["new"] is True and third["summary"]["new_postings"] == 1

    # Without --new-only every posting is shown, the new one marked; the report still records its time.
    full = json.loads(run("--db", store, "report", PROFILE, "--format", "json", "--top", "100").stdout)
    assert len(full["matches"]) == 39 and [m["id"] for m in full["matches"] if m["new"]] == []
    assert json.loads(run("--db", store, "report", PROFILE, "--format", "json", "--new-only").stdout)["matches"] == []


def test_new_only_is_per_profile(store, tmp_path):
    assert run("--db", store, "report", PROFILE, "--format", "json").exit_code == 0
    other = tmp_path / "other.yaml"
    other.write_text("skills: [python, docker]\n", encoding="utf-8")
    data = json.loads(run("--db", store, "report", str(other), "--format", "json", "--new-only").stdout)
    assert data["new_since"] is None and len(data["matches"]) == 20


def test_a_posting_dated_ahead_of_the_clock_is_new_once(store, tmp_path):
    future = tmp_path / "future.jsonl"
    posting = json.loads(open(SAMPLE, encoding="utf-8").readline())
    posting.update(id="board:future", first_seen="2999-01-01T00:00:00Z", description=posting["description"] + " Go.")
    future.write_text(json.dumps(posting) + "\n", encoding="utf-8")
    assert run("--db", store, "import", str(future)).exit_code == 0
    assert run("--db", store, "report", PROFILE, "--format", "json").exit_code == 0
    with Store(store) as opened:
        assert [opened.last_report_at(key) for key in _keys(opened)] == ["2999-01-01T00:00:01Z"]
    data = json.loads(run("--db", store, "report", PROFILE, "--format", "json", "--new-only").stdout)
    assert data["matches"] == []


def _keys(store: Store) -> list[str]:
    from jobmatch.crawler import schema

    with store.engine.connect() as connection:
        return list(connection.scalars(schema.report_runs.select().with_only_columns(schema.report_runs.c.profile_key)))


def test_store_records_report_runs(tmp_path):
    with Store(str(tmp_path / "s.db")) as store:
        assert store.last_report_at("alex") is None
        assert store.record_report("alex", "2026-01-01T00:00:00Z") == "2026-01-01T00:00:00Z"
        store.record_report("alex", "2026-01-02T00:00:00Z")
        store.record_report("sam", "2026-01-03T00:00:00Z")
        assert store.last_report_at("alex") == "2026-01-02T00:00:00Z"
        assert store.last_report_at("sam") == "2026-01-03T00:00:00Z"
        assert store.record_report("kim")  # now, by default
    with Store(str(tmp_path / "s.db")) as store:
        assert store.last_report_at("alex") == "2026-01-02T00:00:00Z"


def test_bad_profile_is_one_line_and_nothing_is_written(store, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills: [python\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = run("--db", store, "report", str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1 and "line" in result.stderr
    assert not out.exists() and list(tmp_path.glob(".report*")) == []
    with Store(store) as opened:
        assert _keys(opened) == []


def test_output_into_a_missing_folder_is_one_line_and_nothing_is_written(store, tmp_path):
    out = tmp_path / "missing" / "report.md"
    result = run("--db", store, "report", PROFILE, "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: folder {out.parent} does not exist\n"
    assert not out.parent.exists()
    with Store(store) as opened:
        assert _keys(opened) == []  # a report that was not written is not recorded


def test_output_that_is_a_folder_is_an_error(store, tmp_path):
    result = run("--db", store, "report", PROFILE, "-o", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_bad_format_is_a_usage_error(store):
    assert run("--db", store, "report", PROFILE, "--format", "pdf").exit_code == 2


def test_a_failed_write_leaves_the_old_report_and_no_temp_file(store, tmp_path, monkeypatch):
    out = tmp_path / "report.md"
    out.write_text("old report\n", encoding="utf-8")

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("jobmatch.cli.report_command.os.fsync", fail)
    result = run("--db", store, "report", PROFILE, "-o", str(out))
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("store.db")) == ["report.md"]


def test_written_report_has_ordinary_permissions(store, tmp_path):
    out = tmp_path / "r.json"
    previous = os.umask(0o022)
    try:
        assert run("--db", store, "report", PROFILE, "-o", str(out)).exit_code == 0
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == 0o644  # not the temp file's 0600


# Renderers on hand-made data ------------------------------------------------------------------

HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1)) *bold* | pipe"


def hostile_report() -> dict:
    match = {"rank": 1, "id": "evil:1", "title": HOSTILE_TITLE, "company": "=HYPERLINK(\"http://x\")",
             "url": "javascript:alert(1)", "score": 40.0, "fit": 50.0, "skill_coverage": 55.0,
             "similarity": 30.0, "lost_to_penalties": 10.0,
             "matched": ["python"], "partial": [], "missing_required": ["docker"], "missing_preferred": [],
             "missing_unspecified": [], "contributions": [{"id": "python", "requirement": "required", "points": 40.0,
                                                           "credit": 1.0}],
             "penalties": [{"kind": "title", "reason": "title is not one you asked for", "factor": 0.8}],
             "locations": ["</style><b>Berlin</b>"], "first_seen": "2026-01-01T00:00:00Z", "new": True,
             "excerpt": "-- dashes first"}
    return {"report": 1, "generated_at": "2026-01-02T00:00:00Z", "profile": {"name": "<i>Alex</i>", "skills": []},
            "sample": False, "threshold": 50.0, "new_only": False, "new_since": None,
            "summary": {"open_postings": 1, "excluded": 0, "over_threshold": 0, "new_postings": 1, "shown": 1,
                        "readiness": 0.5},
            "matches": [match],
            "gaps": [{"id": "docker", "label": "Docker", "category": "devops", "postings": 1, "required_by": 1,
                      "unlocks": 1, "gain": 10.0, "prerequisite_of": [], "value": 1.0,
                      "why": "asked by 1 of your 1 target postings <b onmouseover=alert(3)>",
                      "resources": [{"title": "Docs", "url": "https://docs.docker.com/"},
                                    {"title": "Evil", "url": "javascript:alert(2)"}, {"title": "Book"}]}],
            "also_asked": [{"id": "german", "label": "German <b>", "postings": 1, "required_by": 1}],
            "readiness": {"overall": 0.5, "areas": [{"id": "devops", "label": "DevOps", "covered": 0.0, "demand": 1.0,
                                                     "from_guide": False}]},
            "market": [{"id": "python", "label": "Python", "postings": 1, "share": 1.0, "required_by": 1,
                        "coverage": "have", "credit": 1.0, "via": None}],
            "labels": {"python": "Python", "docker": "Docker"}}


def test_html_escapes_posting_text_and_links_only_http():
    html = render_html(hostile_report())
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</style><b>" not in html and "&lt;/style&gt;&lt;b&gt;Berlin" in html
    assert "<i>Alex</i>" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://docs.docker.com/"]
    assert "javascript:alert(1)" in html  # shown, as text
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|link|iframe|object|embed)\b", html) and "src=" not in html


def test_markdown_escapes_markup_and_links_only_http():
    text = render_markdown(hostile_report())
    assert "<script>" not in text and "\\<script\\>" in text
    assert "[x](javascript" not in text and "](<javascript" not in text
    assert "[Docs](<https://docs.docker.com/>)" in text
    assert "Evil (javascript:alert(2))" in text
    assert "\\*bold\\*" in text and "\\| pipe" in text


def test_csv_defuses_spreadsheet_formulas():
    rows = list(csv.DictReader(io.StringIO(render_csv(hostile_report()))))
    assert rows[0]["company"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["title"] == HOSTILE_TITLE and rows[0]["new"] == "yes" and rows[0]["matched"] == "Python"
    assert rows[0]["excerpt"] == "'-- dashes first"


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/jobs/1", "https://example.com/jobs/1"),
    ("  HTTP://example.com  ", "HTTP://example.com"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("java\tscript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None), ("vbscript:msgbox", None), ("//evil.example", None),
    ("https://ex ample.com", None), ("https://example.com/\nx", None), ("http://", None), ("", None), (None, None),
    ("/relative/path", None), ("https:/example.com", None),
])
def test_http_url(url, expected):
    assert http_url(url) == expected


def test_new_postings_and_instants():
    stamps = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00+00:00", "2026-01-02T01:00:00+02:00", "", "junk"]
    assert new_postings(stamps, None).tolist() == [True] * 5
    assert new_postings(stamps, "2026-01-01T12:00:00Z").tolist() == [False, True, True, False, False]
    assert parse_instant("2026-01-01T00:00:00") == parse_instant("2026-01-01T00:00:00Z")
    assert new_postings(stamps, "2026-01-02T00:00:00Z").tolist() == [False, True, False, False, False]


def test_excerpt():
    assert excerpt(None) == "" and excerpt(" a\n\n b ") == "a b"
    cut = excerpt("word " * 100, limit=22)
    assert cut == "word word word word…"


def test_report_watermark():
    seen = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"]
    assert report_watermark("2026-03-01T00:00:00Z", seen, "2026-03-01T00:00:05Z") == "2026-03-01T00:00:00Z"
    ahead = [*seen, "2026-06-01T00:00:00Z"]
    assert report_watermark("2026-03-01T00:00:00Z", ahead, "2026-03-01T00:00:05Z") == "2026-06-01T00:00:01Z"


def test_the_readme_report_commands_run(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reports", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("#")[0].split() for line in section.splitlines() if line.startswith("jobmatch ")]
    assert [words[1] for words in lines] == ["report", "report", "trends"]
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "profile.yaml").write_bytes(Path(PROFILE).read_bytes())
    monkeypatch.chdir(tmp_path)
    for words in lines:
        result = run("--db", str(tmp_path / "store.db"), *words[1:])
        assert result.exit_code == 0, (words, result.output)
    assert (tmp_path / "report.html").stat().st_size > 10_000 and (tmp_path / "new.html").exists()
    assert "![The HTML match report" in readme and (REPO / "docs" / "report.png").stat().st_size > 50_000
