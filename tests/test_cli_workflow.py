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


# profile check -------------------------------------------------------------------------------

EXAMPLE_PROFILE = str(Path(__file__).resolve().parents[1] / "examples" / "profile.yaml")


def write(tmp_path: Path, text: str, name: str = "profile.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_prints_what_was_understood():
    result = run("profile", "check", EXAMPLE_PROFILE)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "(Alex Example): OK" in out and "Skills: 19 understood" in out
    assert "scikit-learn" in out and "Deep learning        0.5 year(s), beginner" in out
    assert "Targets (from preferences.titles):" in out and "Junior Data Scientist -> data_scientist" in out
    assert "home: Berlin, DE" in out and "Remote work: yes" in out
    assert "Education: bachelor" in out and "Years of experience: 0.5" in out


def test_check_json():
    result = run("profile", "check", EXAMPLE_PROFILE, "--format", "json")
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["targets_from"] == "titles"
    assert {"name": "pytorch", "id": "pytorch", "label": "PyTorch", "category": data["skills"][8]["category"],
            "years": 0.5, "level": None} in data["skills"]
    assert {t["family"] for t in data["targets"]} == {"ml_engineer", "data_scientist"}
    assert data["places"]["home"] == "Berlin, DE" and data["remote"] is True and data["warnings"] == []


def test_check_warns_on_unknown_skills_and_places(tmp_path):
    path = write(tmp_path, "skills: [python, pytorh, qqqzzz]\ntargets: [MLOps Engineer]\n"
                           "preferences: {locations: [Berlin, Narnia Land]}\n")
    result = run("profile", "check", path)
    assert result.exit_code == 0, result.output
    assert "pytorh: did you mean 'pytorch'" in result.stdout and "qqqzzz: no close name" in result.stdout
    assert "'Narnia Land' is not a place jobmatch knows" in result.stdout
    assert "MLOps Engineer -> mlops" in result.stdout and "3 warning(s)" in result.stdout
    data = json.loads(run("profile", "check", path, "--format", "json").stdout)
    assert data["unknown_skills"][0] == {"name": "pytorh", "did_you_mean": data["unknown_skills"][0]["did_you_mean"]}
    assert data["unknown_skills"][0]["did_you_mean"][0] == "pytorch"
    assert data["places"]["as_text"] == ["narnia land"] and len(data["warnings"]) == 3
    strict = run("profile", "check", path, "--strict")
    assert strict.exit_code == 1 and "unknown skill 'pytorh'" in one_line_error(strict)
    places_only = write(tmp_path, "skills: [python]\npreferences: {locations: [Narnia Land]}\n", "p2.yaml")
    assert run("profile", "check", places_only).exit_code == 0
    strict = run("profile", "check", places_only, "--strict")
    assert strict.exit_code == 1 and "'Narnia Land' is not a place" in one_line_error(strict)


def test_check_shows_where_the_person_lives_and_their_links(tmp_path):
    path = write(tmp_path, "skills: [python]\nlocation: Berlin\nlinks: {github: https://github.com/alex}\n")
    result = run("profile", "check", path)
    assert result.exit_code == 0, result.output
    assert "Lives in: Berlin" in result.stdout and "Links: github https://github.com/alex" in result.stdout
    data = json.loads(run("profile", "check", path, "--format", "json").stdout)
    assert data["location"] == "Berlin" and data["links"] == {"github": "https://github.com/alex"}


@pytest.mark.parametrize(("text", "message"), [
    (None, "no such file"),
    ("skills: [python\n", "invalid YAML at line 2"),
    ("skills: [qqqzzz]\n", "none of the profile's skills is in the taxonomy"),
    ("skills: [python]\ntargets: [chef]\n", "unknown target role 'chef'"),
    ("skills: [python]\neducation: kindergarten\n", "must be one of none, bachelor, master, phd"),
    ("skils: [python]\n", "unknown field(s) skils"),
])
def test_check_a_bad_profile_is_one_line_and_exit_1(tmp_path, text, message):
    path = str(tmp_path / "missing.yaml") if text is None else write(tmp_path, text)
    result = run("profile", "check", path)
    assert result.exit_code == 1
    assert message in one_line_error(result)
    assert result.stdout == ""


# profile init --------------------------------------------------------------------------------


def load(path: str):
    from jobmatch.cli.common import load_taxonomy
    from jobmatch.matcher.profile import load_profile

    return load_profile(path, load_taxonomy(), strict=True)


def test_init_from_options_writes_a_commented_profile_that_checks(tmp_path):
    out = str(tmp_path / "me.yaml")
    result = run("profile", "init", "-o", out, "--name", "Zoë O'Neil", "--skills", "python:3, sql, pytorch:1 beginner",
                 "--skills", "C++, node.js:2 years", "--years", "2", "--education", "Master",
                 "--locations", "Berlin, Germany; Remote - EU", "--remote", "--targets", "MLOps Engineer, data_scientist")
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr and "jobmatch profile check" in result.stderr
    text = Path(out).read_text(encoding="utf-8")
    assert text.startswith("# A jobmatch profile") and "# min_salary: 60000" in text
    profile = load(out)
    assert profile.name == "Zoë O'Neil" and profile.education == "master" and profile.years_experience == 2
    assert {s.id: (s.years, s.level) for s in profile.skills.values()} == {
        "python": (3, None), "sql": (None, None), "pytorch": (1, "beginner"), "cpp": (None, None),
        "node_js": (2, None)}
    assert profile.targets == ["mlops", "data_scientist"]
    assert profile.preferences.locations == ["Berlin, Germany", "Remote - EU"] and profile.preferences.remote is True
    checked = run("profile", "check", out, "--strict")
    assert checked.exit_code == 0, checked.output


def test_init_quotes_what_yaml_would_misread(tmp_path):
    out = str(tmp_path / "odd.yaml")
    name = 'yes: # "quoted" [x], {y}'
    result = run("profile", "init", "-o", out, "--name", name, "--skills", "c#, python",
                 "--locations", "null; Zürich; 3000")
    assert result.exit_code == 0, result.output
    profile = load(out)
    assert profile.name == name and set(profile.skills) == {"csharp", "python"}
    assert profile.preferences.locations == ["null", "Zürich", "3000"]


def test_init_unknown_skill_or_target_option_is_a_usage_error_and_writes_nothing(tmp_path):
    out = tmp_path / "p.yaml"
    result = run("profile", "init", "-o", str(out), "--skills", "pyton, sql")
    assert result.exit_code == 2 and "unknown skill(s) 'pyton' (did you mean 'python'" in one_line_error(result)
    result = run("profile", "init", "-o", str(out), "--skills", "python", "--targets", "chef")
    assert result.exit_code == 2 and "unknown target role 'chef'" in one_line_error(result)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_init_asks_and_corrects_typos_from_stdin(tmp_path):
    out = str(tmp_path / "p.yaml")
    answers = "\n".join([
        "Alex",  # name
        "pytorh:2, sql, qqqzzz",  # skills: a typo and an unknown one
        "",  # accept the suggestion: "pytorch:2, sql"
        "seven", "1.5",  # years: not a number, then a number
        "master",  # education
        "Berlin; Remote - EU",  # places
        "maybe", "no",  # remote
        "ml enginer, Data Scientist",  # targets: a typo
        "",  # accept the suggestion
    ]) + "\n"
    result = run("profile", "init", "-o", out, input=answers)
    assert result.exit_code == 0, result.output
    assert "did you mean 'pytorch'" in result.stderr and "did you mean 'ml engineer'" in result.stderr
    profile = load(out)
    assert set(profile.skills) == {"pytorch", "sql"} and profile.skills["pytorch"].years == 2
    assert profile.years_experience == 1.5 and profile.education == "master"
    assert profile.preferences.remote is False and profile.targets == ["ml_engineer", "data_scientist"]
    assert result.stdout == ""  # the questions go to stderr


def test_init_with_stdin_closed_says_how_and_writes_nothing(tmp_path):
    out = tmp_path / "p.yaml"
    result = run("profile", "init", "-o", str(out), input="")
    assert result.exit_code == 2
    assert "--skills" in one_line_error(result).split("give the answers as options")[1]
    assert not out.exists()
    half = run("profile", "init", "-o", str(out), input="Alex\npython\n")
    assert half.exit_code == 2 and not out.exists()


def test_init_does_not_overwrite_without_force(tmp_path):
    out = tmp_path / "p.yaml"
    out.write_text("precious\n", encoding="utf-8")
    result = run("profile", "init", "-o", str(out), "--skills", "python")
    assert result.exit_code == 1 and "exists" in one_line_error(result)
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert run("profile", "init", "-o", str(out), "--skills", "python", "--force").exit_code == 0
    assert set(load(str(out)).skills) == {"python"}
    folder = run("profile", "init", "-o", str(tmp_path), "--skills", "python")
    assert folder.exit_code == 2 and "is a directory" in one_line_error(folder)
    missing = run("profile", "init", "-o", str(tmp_path / "no" / "p.yaml"), "--skills", "python")
    assert missing.exit_code == 1 and "does not exist" in one_line_error(missing)


def test_init_to_stdout(tmp_path):
    result = run("profile", "init", "-o", "-", "--skills", "python, sql")
    assert result.exit_code == 0
    path = write(tmp_path, result.stdout)
    assert set(load(path).skills) == {"python", "sql"}


def test_init_writes_whole_or_not_at_all(tmp_path, monkeypatch):
    import os

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = run("profile", "init", "-o", str(tmp_path / "p.yaml"), "--skills", "python")
    assert result.exit_code == 1 and "No space left on device" in one_line_error(result)
    assert list(tmp_path.iterdir()) == []


# profile from-resume -------------------------------------------------------------------------


def test_from_resume_slot_says_unavailable_in_one_line(monkeypatch):
    from jobmatch.cli import profile_commands

    monkeypatch.setitem(profile_commands.LAZY_COMMANDS, "from-resume",
                        ("jobmatch.cli.no_such_module", "from_resume_command", "Draft a profile from your résumé."))
    result = run("profile", "from-resume", "cv.pdf", "--out", "x.yaml")
    assert result.exit_code == 1
    assert "`jobmatch profile from-resume` is not available" in one_line_error(result)
    listed = run("profile", "--help")
    assert listed.exit_code == 0 and "from-resume  (not available in this version)" in listed.stdout
    assert run("profile", "check", EXAMPLE_PROFILE).exit_code == 0


def test_from_resume_slot_runs_the_module_when_it_exists(monkeypatch):
    import sys
    import types

    import click

    from jobmatch.cli import profile_commands

    @click.command("from-resume")
    @click.argument("resume")
    def fake(resume: str) -> None:
        click.echo(f"read {resume}")

    module = types.ModuleType("jobmatch.cli.fake_resume_command")
    module.from_resume_command = fake
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(profile_commands.LAZY_COMMANDS, "from-resume",
                        (module.__name__, "from_resume_command", "Draft a profile from your résumé."))
    result = run("profile", "from-resume", "cv.pdf")
    assert result.exit_code == 0 and result.stdout == "read cv.pdf\n"


def test_profile_help_imports_no_resume_module():
    import subprocess
    import sys

    code = ("import sys\nfrom jobmatch.cli.main import cli\n"
            "try:\n    cli(['profile', '--help'])\nexcept SystemExit:\n    pass\n"
            "print('jobmatch.cli.resume_command' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


# Help texts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "option"), [
    (["gaps"], "--limit"), (["taxonomy", "suggest"], "--limit"), (["evaluate"], "--format"),
    (["postings", "list"], "--limit"), (["postings", "show"], "--format"), (["report"], "--open"),
])
def test_options_have_descriptions(path, option):
    import click

    ctx = click.Context(cli)
    command = cli
    for name in path:
        command = command.get_command(ctx, name)
    [param] = [p for p in command.params if option in getattr(p, "opts", [])]
    assert param.help and len(param.help) > 10


@pytest.mark.parametrize("path", [["postings"], ["postings", "list"], ["postings", "show"], ["postings", "export"],
                                  ["profile"], ["profile", "check"], ["profile", "init"]])
def test_help_shows_no_raw_rest(path):
    result = run(*path, "--help")
    assert result.exit_code == 0 and "``" not in result.stdout and "..." not in result.stdout.split("Commands:")[-1]


def test_taxonomy_list_category_by_id_or_label():
    by_id = json.loads(run("taxonomy", "list", "--category", "ml_tools", "--format", "json").stdout)["skills"]
    assert by_id and all(s["category"] == "ml_tools" for s in by_id)
    for name in ("Machine learning tools and frameworks", "MACHINE LEARNING TOOLS AND FRAMEWORKS", "ML_TOOLS",
                 "ml tools"):
        result = run("taxonomy", "list", "--category", name, "--format", "json")
        assert result.exit_code == 0, name
        assert json.loads(result.stdout)["skills"] == by_id
    unknown = run("taxonomy", "list", "--category", "mlopz")
    assert unknown.exit_code == 1
    message = one_line_error(unknown)
    assert "did you mean 'MLOps'" in message and "Machine learning tools and frameworks (ml_tools)" in message


# report --open -------------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    import webbrowser

    urls: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: urls.append(url) or True)
    return urls


def test_report_open_opens_the_written_file(db, tmp_path, opened):
    out = tmp_path / "r.html"
    result = run("--db", db, "report", EXAMPLE_PROFILE, "-o", str(out), "--open")
    assert result.exit_code == 0, result.output
    assert opened == [out.resolve().as_uri()] and out.exists()


def test_report_open_on_stdout_opens_nothing(db, opened):
    result = run("--db", db, "report", EXAMPLE_PROFILE, "-o", "-", "--open")
    assert result.exit_code == 0, result.output
    assert opened == [] and "no file to open" in result.stderr and result.stdout.startswith("#")


def test_report_open_without_a_browser_says_where_the_file_is(db, tmp_path, monkeypatch):
    import webbrowser

    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: False)
    out = tmp_path / "r.md"
    result = run("--db", db, "report", EXAMPLE_PROFILE, "-o", str(out), "--open")
    assert result.exit_code == 0 and f"the report is {out.resolve()}" in result.stderr


# The morning routine of docs/workflow.md -----------------------------------------------------

WORKFLOW = (Path(__file__).resolve().parents[1] / "docs" / "workflow.md").read_text(encoding="utf-8")


def test_every_workflow_command_exists():
    import re
    import shlex

    from jobmatch.cli.main import COMMANDS

    code = "\n".join(re.findall(r"```sh\n(.*?)```", WORKFLOW, re.S))
    lines = [line.split("#")[0].strip() for line in code.splitlines() if line.strip().startswith("jobmatch ")]
    assert len(lines) >= 6
    for line in lines:
        words = shlex.split(line)[1:]
        assert words[0] in COMMANDS, line
        path = [words[0]] + ([words[1]] if len(words) > 1 and words[1].isalpha() else [])
        assert run(*path, "--help").exit_code == 0, line
        for option in (w.split("=")[0] for w in words if w.startswith("--")):
            assert option in run(*path, "--help").stdout, (line, option)


def test_the_morning_routine_runs(db, tmp_path, opened):
    profile = str(tmp_path / "profile.yaml")
    steps = [
        ["profile", "init", "-o", profile, "--skills", "python:3, sql:1, pytorch", "--targets", "ml_engineer",
         "--locations", "Berlin; Remote - EU", "--remote"],
        ["profile", "check", profile],
        ["--db", db, "rank", profile, "--top", "3", "--format", "json"],
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output)
    ranked = json.loads(result.stdout)
    assert ranked and ranked[0]["id"] in {p["id"] for p in POSTINGS}
    shown = run("--db", db, "postings", "show", ranked[0]["id"])
    assert shown.exit_code == 0 and "Skills it asks for" in shown.stdout
    found = run("--db", db, "postings", "list", "--search", "berlin", "--open")
    assert found.exit_code == 0 and "other:9" in found.stdout
    report = run("--db", db, "report", profile, "--new-only", "-o", str(tmp_path / "new.html"), "--open")
    assert report.exit_code == 0, report.output
    assert opened == [(tmp_path / "new.html").resolve().as_uri()]
