"""``jobmatch import`` and ``postings list|export`` through the real CLI and a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import cli

SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def export(db: str) -> list[dict]:
    result = run("--db", db, "postings", "export")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_import_then_export_round_trips_the_sample(tmp_path):
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert run("--db", first, "import", SAMPLE).exit_code == 0
    exported = export(first)
    sample = [json.loads(line) for line in open(SAMPLE, encoding="utf-8") if line.strip()]
    assert len(exported) == len(sample) >= 30
    by_id = {record["id"]: record for record in exported}
    for original in sample:
        stored = by_id[original["id"]]
        for field in ("title", "company", "locations", "remote", "salary_min", "url", "closed_at", "first_seen"):
            assert stored[field] == original[field], (original["id"], field)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in exported) + "\n", encoding="utf-8")
    assert run("import", str(dump), "--db", second).exit_code == 0
    assert export(second) == exported


def test_import_twice_adds_nothing(tmp_path):
    db = str(tmp_path / "s.db")
    run("--db", db, "import", SAMPLE)
    result = run("--db", db, "import", SAMPLE)
    assert result.exit_code == 0
    assert " 0 new" in result.stderr and "unchanged" in result.stderr


def test_html_descriptions_become_clean_text(tmp_path):
    source = tmp_path / "html.jsonl"
    html = ("<h2>Requirements</h2><ul><li>3+ years of <b>Python</b></li><li>SQL &amp; Spark</li></ul>"
            "<p>Nice to have:&nbsp;Docker</p>")
    source.write_text(json.dumps({"title": "ML Engineer", "description": html}) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    assert run("--db", db, "import", str(source)).exit_code == 0
    [record] = export(db)
    assert record["description"] == "Requirements\n\n3+ years of Python\nSQL & Spark\n\nNice to have: Docker"


def test_bad_lines_are_reported_by_number_and_good_lines_land(tmp_path):
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join([
        json.dumps({"title": "Data Scientist", "description": "Python"}),
        '{"title": "Truncated", "descr',
        json.dumps({"description": "no title"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "NLP Engineer", "url": "https://example.com/nlp", "salary_min": "lots"}),
        json.dumps({"title": "MLOps Engineer", "url": "https://example.com/mlops"}),
    ]) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    result = run("--db", db, "import", str(source))
    assert result.exit_code == 1
    for line in (2, 3, 4, 5):
        assert f"mixed.jsonl:{line}:" in result.stderr
    assert "salary_min" in result.stderr
    assert sorted(r["title"] for r in export(db)) == ["Data Scientist", "MLOps Engineer"]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "file is empty"),
    (b'{"title": "ok", "description": "fine"}\n{"title": "caf\xe9"}\n', "not valid UTF-8"),
])
def test_unreadable_files_give_one_clear_line(tmp_path, content, message):
    path = tmp_path / "in.jsonl"
    if content is not None:
        path.write_bytes(content)
    db = tmp_path / "s.db"
    result = run("--db", str(db), "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.output


def test_a_directory_is_not_a_file(tmp_path):
    result = run("--db", str(tmp_path / "s.db"), "import", str(tmp_path))
    assert result.exit_code == 1 and "is a directory" in result.stderr


def test_csv_without_the_needed_columns(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text("name,salary\nx,1\n", encoding="utf-8")
    result = run("--db", str(tmp_path / "s.db"), "import", str(path))
    assert result.exit_code == 1 and "missing column(s) title" in result.stderr


def test_jobspy_csv(tmp_path):
    path = tmp_path / "jobspy.csv"
    path.write_text(
        "id,site,job_url,job_url_direct,title,company,location,date_posted,job_type,interval,"
        "min_amount,max_amount,currency,is_remote,description\n"
        'li-1,linkedin,https://example.com/1,,Machine Learning Engineer,Acme,"Berlin, BE, DE",2026-11-01,'
        'fulltime,yearly,70000,90000,EUR,True,"**Requirements**\n\n* Python\n* PyTorch"\n'
        "in-2,indeed,https://example.com/2,,Data Engineer,Beta,Remote,2026-11-02,,,,,,False,Airflow and SQL\n",
        encoding="utf-8")
    db = str(tmp_path / "s.db")
    result = run("--db", db, "import", str(path))
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in export(db)}
    assert set(records) == {"linkedin:li-1", "indeed:in-2"}
    first = records["linkedin:li-1"]
    assert (first["salary_min"], first["salary_currency"], first["remote"]) == (70000.0, "EUR", True)
    assert first["locations"] == ["Berlin, BE, DE"]


def test_csv_import_of_export_columns(tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text("title,company,locations,description\nML Engineer,Acme,Berlin;Remote,Python\n",
                    encoding="utf-8")
    db = str(tmp_path / "s.db")
    assert run("--db", db, "import", str(path)).exit_code == 0
    [record] = export(db)
    assert record["locations"] == ["Berlin", "Remote"]


def test_store_in_a_missing_folder(tmp_path):
    result = run("--db", str(tmp_path / "nowhere" / "s.db"), "import", SAMPLE)
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_list_json_has_the_contract_fields_without_description(tmp_path):
    db = str(tmp_path / "s.db")
    run("--db", db, "import", SAMPLE)
    result = run("postings", "list", "--format", "json", "--db", db)
    records = json.loads(result.stdout)
    assert records and "description" not in records[0]
    assert set(records[0]) == {"id", "source", "url", "title", "company", "locations", "remote", "salary_min",
                               "salary_max", "salary_currency", "salary_period", "employment_type",
                               "posted_at", "first_seen", "last_seen", "closed_at"}
    table = run("postings", "list", "--db", db)
    assert table.exit_code == 0 and "posting(s)" in table.stdout


def test_db_from_the_environment(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("JOBMATCH_DB", str(db))
    assert run("import", SAMPLE).exit_code == 0
    assert db.exists()


def test_default_store_lives_in_jobmatch_home(jobmatch_home):
    assert run("import", SAMPLE).exit_code == 0
    assert (jobmatch_home / "jobmatch.db").exists()


def test_help_imports_no_heavy_library():
    code = ("import sys\nfrom jobmatch.cli.main import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('scrapy', 'spacy', 'sklearn', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_every_command_has_help():
    from jobmatch.cli.main import COMMANDS

    for name in COMMANDS:
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, name


def test_unknown_command_is_a_usage_error():
    assert run("frobnicate").exit_code == 2
