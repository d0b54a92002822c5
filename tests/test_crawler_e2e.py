"""End to end: ``jobmatch crawl`` as a subprocess against fixture boards on 127.0.0.1.

Twisted's reactor runs once per process, so every crawl here is its own process, as in production.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobmatch.crawler.lock import CrawlLock, lock_path_for
from jobmatch.crawler.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "boards"
_spec = importlib.util.spec_from_file_location("board_server", FIXTURES / "board_server.py")
board_server = importlib.util.module_from_spec(_spec)
sys.modules["board_server"] = board_server
_spec.loader.exec_module(board_server)

FAST = {  # short timeouts and no politeness delays: the server is local
    "DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1", "JOBMATCH_RETRY_BACKOFF": "0.1", "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "JOBMATCH_PAGE_SIZE": "2",
}
HEALTHY = """
  - {type: greenhouse, board: acme, base_url: "URL"}
  - {type: lever, site: acme, base_url: "URL", company_name: Acme}
  - {type: ashby, board: acme, base_url: "URL"}
  - {type: workable, company: acme, base_url: "URL"}
  - {type: smartrecruiters, company: AcmeCorp, base_url: "URL"}
  - {type: remotive, base_url: "URL"}
  - {type: remoteok, base_url: "URL"}
  - {type: arbeitnow, base_url: "URL"}
  - {type: jsonld, name: careers, urls: ["https://careers.example/careers/graph.html",
                                         "https://careers.example/careers/list.html"], base_url: "URL"}
  - {type: rss, name: feeds, urls: ["https://feeds.example/feeds/jobs.rss",
                                    "https://feeds.example/feeds/jobs.atom"], base_url: "URL"}
"""
FAILING = """
  - {type: greenhouse, board: broken, base_url: "URL"}
  - {type: greenhouse, board: slow, base_url: "URL"}
  - {type: greenhouse, board: malformed, base_url: "URL"}
  - {type: greenhouse, board: huge, base_url: "URL"}
  - {type: greenhouse, board: loop, base_url: "URL"}
"""


def write_sources(tmp_path: Path, url: str, entries: str, filter_line: str = "filter: default") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"{filter_line}\nsources:\n{entries.replace('URL', url)}", encoding="utf-8")
    return path


def crawl(command: list[str], db: Path, sources: Path, *extra: str, settings: dict | None = None,
          timeout: float = 60) -> subprocess.CompletedProcess:
    options = [item for name, value in {**FAST, **(settings or {})}.items() for item in ("-s", f"{name}={value}")]
    return subprocess.run([*command, "--db", str(db), "crawl", "--sources", str(sources), "--format", "json",
                           *options, *extra], capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_every_board_type_lands_then_updates_close_and_reopen(tmp_path, jobmatch_command):
    routes = board_server.fixture_routes()
    db = tmp_path / "store.db"
    with board_server.BoardServer(routes) as server:
        sources = write_sources(tmp_path, server.url, HEALTHY)
        first = crawl(jobmatch_command, db, sources)
        assert first.returncode == 0, first.stderr
        summary = json.loads(first.stdout)
        assert summary["healthy"] is True
        by_name = {s["name"]: s for s in summary["sources"]}
        assert len(by_name) == 10 and all(s["failure"] is None for s in by_name.values())
        assert by_name["greenhouse:acme"]["new"] == 3 and by_name["greenhouse:acme"]["filtered"] == 2
        assert by_name["lever:acme"]["pages"] == 3  # 5 postings, pages of 2
        assert by_name["arbeitnow"]["pages"] == 2
        assert by_name["smartrecruiters:AcmeCorp"]["pages"] == 3  # list + two details
        assert server.hits["/robots.txt"] >= 1  # robots.txt asked first

        store = Store(str(db))
        posting = store.get_posting("greenhouse:acme:4001")
        assert posting.company == "Acme AI" and "Train & ship large language models" in posting.description
        assert store.get_posting("greenhouse:acme:4003") is None  # the recruiter, filtered out
        assert store.get_posting("careers:ML-42").structured["skills"] == ["PyTorch", "MLOps"]
        assert store.get_posting("lever:acme:a1b2c3d4-0002").remote is True
        total = store.count_postings()
        assert total == summary["totals"]["new"] == 19
        runs = store.crawl_runs()
        assert [r["status"] for r in runs] == ["healthy"] and runs[0]["totals"]["new"] == 19
        assert not lock_path_for(str(db), tmp_path).exists()

        # The next night: one Greenhouse job changed, one gone.
        board = json.loads((FIXTURES / "greenhouse.json").read_text())
        board["jobs"][1]["title"] = "Software Engineer, Inference Platform (LLMs)"
        gone = board["jobs"].pop(0)
        routes["/v1/boards/acme/jobs"] = lambda q: board_server.Reply(body=json.dumps(board).encode())
        second = json.loads(crawl(jobmatch_command, db, sources).stdout)
        counts = {s["name"]: s for s in second["sources"]}["greenhouse:acme"]
        assert (counts["new"], counts["updated"], counts["unchanged"], counts["closed"]) == (0, 1, 1, 1)
        assert second["totals"]["unchanged"] == 17
        assert store.get_posting("greenhouse:acme:4001").closed_at is not None

        # It comes back: reopened, not duplicated.
        board["jobs"].insert(0, gone)
        third = json.loads(crawl(jobmatch_command, db, sources).stdout)
        assert third["healthy"] and store.get_posting("greenhouse:acme:4001").closed_at is None
        assert store.count_postings() == total + 0 and len(store.crawl_runs()) == 3
        store.close()


@pytest.mark.slow
def test_failures_are_named_and_the_healthy_sources_still_land(tmp_path, jobmatch_command):
    routes = {**board_server.fixture_routes(), **board_server.failing_routes(hang_seconds=4)}
    db = tmp_path / "store.db"
    with board_server.BoardServer(routes) as server:
        sources = write_sources(tmp_path, server.url,
                                HEALTHY + FAILING + '  - {type: lever, site: gone, base_url: "URL"}\n')
        started = time.monotonic()
        result = crawl(jobmatch_command, db, sources)
    assert time.monotonic() - started < 30
    assert result.returncode == 3, result.stderr
    failures = [line for line in result.stderr.splitlines() if line.startswith("FAILED ")]
    expected = {
        "greenhouse:broken": "HTTP 500", "greenhouse:slow": "timed out", "greenhouse:malformed": "malformed JSON",
        "greenhouse:huge": "larger than the size cap", "greenhouse:loop": "redirect loop",
        "lever:gone": "board gone (HTTP 404)",
    }
    assert len(failures) == len(expected)
    for name, reason in expected.items():
        assert any(line.startswith(f"FAILED {name}: ") and reason in line for line in failures), (name, failures)
    summary = json.loads(result.stdout)
    assert summary["healthy"] is False and summary["totals"]["failed"] == 6 and summary["totals"]["new"] == 19
    store = Store(str(db))
    assert store.count_postings() == 19
    assert store.crawl_runs()[-1]["status"] == "unhealthy"
    store.close()


@pytest.mark.slow
def test_a_crawl_killed_midway_loses_nothing_committed_and_the_next_one_completes(tmp_path, jobmatch_command):
    db = tmp_path / "store.db"
    boards = 30
    entries = "".join(f'  - {{type: greenhouse, board: b{i}, base_url: "URL"}}\n' for i in range(boards))
    with board_server.BoardServer(board_server.generated_routes(boards, 20, delay=0.2)) as server:
        sources = write_sources(tmp_path, server.url, entries)
        options = [item for name, value in {**FAST, "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
                                            "JOBMATCH_BATCH_SIZE": "10"}.items() for item in ("-s", f"{name}={value}")]
        process = subprocess.Popen([*jobmatch_command, "--db", str(db), "crawl", "--sources", str(sources), *options],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        committed: set[str] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(committed) < 60:
            time.sleep(0.05)
            if db.exists():
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
                        committed = {row[0] for row in connection.execute("select id from postings")}
                except sqlite3.OperationalError:
                    continue
        assert process.poll() is None, "the crawl finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert 60 <= len(committed) < boards * 20
        lock = lock_path_for(str(db), tmp_path)
        assert lock.exists()

        connection = sqlite3.connect(db)
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in connection.execute("select id from postings")}
        connection.close()
        assert committed <= stored

        server.routes.update(board_server.generated_routes(boards, 20, delay=0))
        result = crawl(jobmatch_command, db, sources)
    assert result.returncode == 0, result.stderr
    assert "Took over a stale crawl lock" in result.stderr
    assert not lock.exists()
    store = Store(str(db))
    assert store.count_postings() == boards * 20
    assert [run["status"] for run in store.crawl_runs()] == ["failed", "healthy"]
    store.close()


def test_a_second_crawl_is_refused_while_one_holds_the_lock(tmp_path, jobmatch_command):
    db = tmp_path / "store.db"
    sources = write_sources(tmp_path, "http://127.0.0.1:9", '  - {type: remoteok, base_url: "URL"}\n')
    with CrawlLock(lock_path_for(str(db), tmp_path)):
        result = crawl(jobmatch_command, db, sources)
    assert result.returncode == 1
    assert "another crawl of this store is running" in result.stderr


def test_a_bad_sources_file_is_one_line_and_exit_1(tmp_path, jobmatch_command):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {type: greenhouse}\n")
    result = crawl(jobmatch_command, tmp_path / "s.db", path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {path}: sources[0].board: required for a greenhouse source, " \
                                    "the board's key (a name without '/')"


def test_help_imports_no_scrapy():
    code = ("import sys\nfrom jobmatch.cli.main import cli\n"
            "for args in (['--help'], ['crawl', '--help']):\n"
            "    try:\n        cli(args)\n    except SystemExit:\n        pass\n"
            "print('SCRAPY', 'scrapy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "crawl" in result.stdout and "--sources" in result.stdout
    assert result.stdout.strip().endswith("SCRAPY False")


@pytest.mark.slow
def test_plain_scrapy_crawl_with_the_settings_module(tmp_path):
    db = tmp_path / "store.db"
    with board_server.BoardServer(board_server.fixture_routes()) as server:
        sources = write_sources(tmp_path, server.url, HEALTHY)
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "jobmatch.crawler.settings", "JOBMATCH_DB": str(db)}
        options = [item for name, value in FAST.items() for item in ("-s", f"{name}={value}")]
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "greenhouse", "-a", f"sources={sources}",
                                 *options, "-s", "LOG_LEVEL=WARNING"], capture_output=True, text=True, timeout=60,
                                cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    store = Store(str(db))
    assert {p.id for p in store.iter_postings()} == {"greenhouse:acme:4001", "greenhouse:acme:4002",
                                                     "greenhouse:acme:4004"}
    store.close()


def test_the_progress_bar_can_be_forced_and_the_settings_are_polite(tmp_path, jobmatch_command):
    with board_server.BoardServer(board_server.fixture_routes()) as server:
        sources = write_sources(tmp_path, server.url, '  - {type: remoteok, base_url: "URL"}\n')
        result = crawl(jobmatch_command, tmp_path / "s.db", sources, "--progress")
    assert result.returncode == 0, result.stderr
    assert "1/1" in result.stderr and json.loads(result.stdout)["totals"]["new"] == 1

    from jobmatch.crawler import settings

    assert settings.ROBOTSTXT_OBEY and settings.AUTOTHROTTLE_ENABLED
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 2 and settings.RETRY_TIMES >= 1
    assert "+http" in settings.USER_AGENT
    assert settings.DOWNLOAD_MAXSIZE < 50 * 1024 * 1024 and settings.DOWNLOAD_TIMEOUT <= 60
