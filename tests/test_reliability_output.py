"""Quiet, clean failures: the crawl's output under cron (offline, a robots.txt that fails), and
bad input given to any command is one line, the right exit code, nothing half-written."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from jobmatch.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures" / "boards"
if "board_server" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("board_server", FIXTURES / "board_server.py")
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["board_server"] = _module
    _spec.loader.exec_module(_module)
board_server = sys.modules["board_server"]

REPO = Path(__file__).resolve().parents[1]
PROFILE = str(REPO / "examples" / "profile.yaml")
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")
BUNDLED = Path(str(files("jobmatch.crawler") / "data" / "default_sources.yaml"))
FAST = {"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1", "JOBMATCH_RETRY_BACKOFF": "0.1", "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output and "[SQL" not in result.stderr
    for name in ("OperationalError", "IntegrityError", "DatabaseError", "StoreError", "ImportFileError", "psycopg."):
        assert name not in result.stderr
    return result.stderr


def crawl(jobmatch_command, db: Path, sources: Path, *extra: str, prefix: tuple[str, ...] = (),
          timeout: float = 120) -> subprocess.CompletedProcess:
    options = [item for name, value in FAST.items() for item in ("-s", f"{name}={value}")]
    return subprocess.run([*prefix, *jobmatch_command, "--db", str(db), "crawl", "--sources", str(sources), *options,
                           *extra], capture_output=True, text=True, timeout=timeout)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the with ends: nothing listens there


def bundled_sources_at(tmp_path: Path, base_url: str | None) -> tuple[Path, int]:
    """The bundled sources file, every entry moved to ``base_url`` (None: left on the real hosts)."""
    config = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    if base_url:
        for entry in config["sources"]:
            entry["base_url"] = base_url
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path, len(config["sources"])


# The crawl under cron ------------------------------------------------------------------------

@pytest.mark.slow
def test_a_crawl_that_reaches_no_host_is_one_line_per_source_and_says_the_network_looks_unreachable(
        tmp_path, jobmatch_command):
    sources, count = bundled_sources_at(tmp_path, f"http://127.0.0.1:{closed_port()}")
    result = crawl(jobmatch_command, tmp_path / "s.db", sources)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert len(lines) <= count + 1, result.stderr
    assert sum(line.startswith("FAILED ") for line in lines) == count
    assert "connection refused" in lines[0]
    assert "the network looks unreachable" in lines[-1] and f"all {count} source(s)" in lines[-1]
    assert "Traceback" not in result.stderr and "Error downloading" not in result.stderr


def _offline_prefix() -> tuple[str, ...] | None:
    """``unshare -rn``: this process tree in a network namespace of its own, with no network at all."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (unshare, "-rn") if probe.returncode == 0 else None


@pytest.mark.slow
def test_the_bundled_sources_offline_for_real(tmp_path, jobmatch_command):
    prefix = _offline_prefix()
    if prefix is None:
        pytest.skip("cannot make a network namespace here (unshare -rn); the connection-refused test covers it")
    sources, count = bundled_sources_at(tmp_path, None)  # the real hosts: no network reaches them
    log = tmp_path / "crawl.log"
    result = crawl(jobmatch_command, tmp_path / "s.db", sources, "--log-file", str(log), prefix=prefix)
    assert result.returncode == 3, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) <= count + 1, result.stderr  # one line per source, plus the summary
    assert all(line.startswith("FAILED ") for line in lines[:-1]) and "host not found (DNS)" in lines[0]
    assert "the network looks unreachable" in lines[-1]
    assert "Traceback" not in result.stderr
    detail = log.read_text(encoding="utf-8")
    assert "Traceback" in detail and "robots.txt" in detail  # the full detail went to the log file
    info = subprocess.run([*jobmatch_command, "--db", str(tmp_path / "s.db"), "store", "info", "--format", "json"],
                          capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["last_crawl"]["status"] == "unhealthy"


@pytest.mark.slow
def test_a_robots_txt_that_cannot_be_fetched_is_not_a_traceback(tmp_path, jobmatch_command):
    routes = {**board_server.fixture_routes(), "/robots.txt": lambda q: board_server.Reply(delay=2.5)}
    with board_server.BoardServer(routes) as server:
        sources = tmp_path / "sources.yaml"
        sources.write_text(f'sources:\n  - {{type: remoteok, base_url: "{server.url}"}}\n', encoding="utf-8")
        log = tmp_path / "crawl.log"
        quiet = crawl(jobmatch_command, tmp_path / "a.db", sources, "--log-file", str(log))
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # a healthy crawl says nothing on stderr: no mail from cron
    said = [line for line in log.read_text(encoding="utf-8").splitlines() if "could not be fetched" in line]
    assert len(said) == 1 and " INFO: robots.txt of 127.0.0.1:" in said[0]  # one line, and the detail in the log


def test_a_log_file_that_cannot_be_written_is_one_line_before_anything_is_crawled(tmp_path, jobmatch_command):
    sources = tmp_path / "sources.yaml"
    sources.write_text('sources:\n  - {type: remoteok, base_url: "http://127.0.0.1:9"}\n', encoding="utf-8")
    result = crawl(jobmatch_command, tmp_path / "s.db", sources, "--log-file", str(tmp_path / "no" / "crawl.log"))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: log file ") and result.stderr.count("\n") == 1
    assert not (tmp_path / "s.db").exists()


# Report output -------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path) -> str:
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    return db


@pytest.mark.parametrize("name", ["report.pdf", "report.txt", "report"])
def test_an_output_extension_that_names_no_format_is_a_usage_error(store, tmp_path, name):
    out = tmp_path / name
    message = one_line_error(run("--db", store, "report", PROFILE, "-o", str(out)), code=2)
    assert ".md, .html, .csv, .json" in message and "--format" in message
    assert not out.exists() and not list(tmp_path.glob(f".{name}*"))


def test_an_explicit_format_writes_any_file_name(store, tmp_path):
    out = tmp_path / "digest.txt"
    assert run("--db", store, "report", PROFILE, "-o", str(out), "--format", "md", "--top", "2").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Match report")


def test_a_directory_as_output_is_a_usage_error(store, tmp_path):
    message = one_line_error(run("--db", store, "report", PROFILE, "-o", str(tmp_path)), code=2)
    assert "is a directory" in message


# Import input --------------------------------------------------------------------------------

def test_a_json_array_is_read_as_an_array_and_said_so(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps([
        {"title": "ML Engineer", "description": "Python and PyTorch."},
        {"title": "Data Scientist", "description": "SQL."},
        {"title": "NLP Engineer", "url": "https://example.com/nlp"},
    ], indent=2), encoding="utf-8")
    db = str(tmp_path / "s.db")
    result = run("--db", db, "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"{path} (a JSON array of 3 record(s)): 3 new, 0 updated, 0 unchanged, " \
                                    "0 duplicate, 0 bad record(s)"
    # the same array in a .jsonl file is still an array
    renamed = tmp_path / "jobs.jsonl"
    renamed.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    again = run("--db", db, "import", str(renamed))
    assert again.exit_code == 0 and "a JSON array of 3 record(s)): 0 new" in again.stderr


def test_bad_records_in_an_array_are_named_by_their_line(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text('[\n  {"title": "ML Engineer", "description": "Python"},\n  {"description": "no title"},\n'
                    '  "not an object"\n]\n', encoding="utf-8")
    result = run("--db", str(tmp_path / "s.db"), "import", str(path))
    assert result.exit_code == 1
    assert f"Skipped {path}:3: field 'title' is missing" in result.stderr
    assert f"Skipped {path}:4: expected a JSON object" in result.stderr
    assert "1 new" in result.stderr


def test_formats_are_said_per_file(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"title": "ML Engineer", "description": "Python"}) + "\n", encoding="utf-8")
    table = tmp_path / "b.csv"
    table.write_text("title,description\nData Engineer,Spark\n", encoding="utf-8")
    pretty = tmp_path / "c.json"
    pretty.write_text(json.dumps({"title": "MLOps Engineer", "description": "Kubeflow"}, indent=2), encoding="utf-8")
    result = run("--db", str(tmp_path / "s.db"), "import", str(jsonl), str(table), str(pretty))
    assert result.exit_code == 0, result.output
    assert f"{jsonl} (JSON Lines): 1 new" in result.stderr
    assert f"{table} (CSV): 1 new" in result.stderr
    assert f"{pretty} (one JSON object): 1 new" in result.stderr


@pytest.mark.parametrize("content, reason", [
    (b"", "file is empty"),
    (b"\x00" * 4096, "binary file"),
    (b'[{"title": "ML Engineer", "description": "Python"},\n {"title": "Cut', "not a valid JSON array"),
    (b"[1, 2", "not a valid JSON array"),
    (b'"just a string"', "cannot tell the format"),
    (b"{not json at all\n{neither\n", "none of its 2 record(s) is a posting"),
])
def test_a_file_that_cannot_be_read_is_one_line_and_nothing_is_stored(tmp_path, content, reason):
    path = tmp_path / ("in.txt" if content.startswith(b'"') else "in.json")
    path.write_bytes(content)
    db = tmp_path / "s.db"
    message = one_line_error(run("--db", str(db), "import", str(path)))
    assert str(path) in message and reason in message
    assert not db.exists()  # every file is read before the store is opened


def test_one_bad_file_among_good_ones_imports_none(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "ML Engineer", "description": "Python"}) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01")
    one_line_error(run("--db", str(tmp_path / "s.db"), "import", str(good), str(bad)))
    assert not (tmp_path / "s.db").exists()


def test_many_bad_lines_are_capped(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text(json.dumps({"title": "ML Engineer", "description": "Python"}) + "\n" + "{broken\n" * 50,
                    encoding="utf-8")
    result = run("--db", str(tmp_path / "s.db"), "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.count("Skipped ") == 21 and "Skipped 30 more bad record(s)" in result.stderr


# The store -----------------------------------------------------------------------------------

def test_a_store_path_that_is_a_directory(tmp_path):
    message = one_line_error(run("--db", str(tmp_path), "postings", "list"))
    assert "is a directory" in message


@pytest.mark.parametrize("content", [b"\x00" * 8192, b"hello, I am a text file\n" * 100, os.urandom(4096)])
def test_a_store_file_that_is_not_sqlite_is_left_alone(tmp_path, content):
    db = tmp_path / "store.db"
    db.write_bytes(content)
    message = one_line_error(run("--db", str(db), "import", SAMPLE))
    assert "not a SQLite database" in message
    assert db.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["store.db"]


def test_another_programs_sqlite_database_is_not_turned_into_a_store(tmp_path):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
    message = one_line_error(run("--db", str(db), "postings", "list"))
    assert "another program" in message
    with sqlite3.connect(db) as connection:
        assert [row[0] for row in connection.execute("SELECT name FROM sqlite_master")] == ["contacts"]


def test_a_damaged_store_is_one_line(tmp_path):
    db = tmp_path / "store.db"
    assert run("--db", str(db), "import", SAMPLE).exit_code == 0
    data = bytearray(db.read_bytes())
    data[4096:12288] = os.urandom(8192)  # pages of the tables, header intact
    db.write_bytes(bytes(data))
    result = run("--db", str(db), "postings", "export")
    message = one_line_error(result)
    assert str(db) in message


def test_a_postgresql_url_that_refuses_the_connection(tmp_path):
    url = f"postgresql+psycopg://jobmatch:s3cret@127.0.0.1:{closed_port()}/jobmatch"
    message = one_line_error(run("--db", url, "postings", "list"))
    assert "Connection refused" in message or "connection refused" in message.lower()
    assert "s3cret" not in message and "***" in message


def test_a_url_without_its_driver(tmp_path):
    message = one_line_error(run("--db", "mysql://user:pw@127.0.0.1/x", "postings", "list"))
    assert "driver" in message and "pw@" not in message


def test_traceback_shows_the_full_error(tmp_path):
    db = tmp_path / "store.db"
    db.write_bytes(b"\x00" * 100)
    result = CliRunner().invoke(cli, ["--traceback", "--db", str(db), "postings", "list"])
    assert result.exit_code != 0 and result.exception is not None
    assert type(result.exception).__name__ == "StoreError"
