"""Real Scrapy crawls (``jobmatch crawl`` as a subprocess) of the new boards against the fixture
server on 127.0.0.1, at each board's own paths: paging, detail calls, failures one line per source,
and the second night through the HTTP cache (304s instead of bodies)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from jobmatch.crawler.boards.base import DETAIL_MISSING
from jobmatch.crawler.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "boards"
_spec = importlib.util.spec_from_file_location("board_server", FIXTURES / "board_server.py")
board_server = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("board_server", board_server)
_spec.loader.exec_module(board_server)

FAST = {
    "DOWNLOAD_TIMEOUT": "3", "RETRY_TIMES": "1", "JOBMATCH_RETRY_BACKOFF": "0.05", "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "JOBMATCH_PAGE_SIZE": "2",
    "DOWNLOAD_MAXSIZE": str(2 * 1024 * 1024),
}
NEW_BOARDS = """
  - {type: workday, tenant: globex, instance: wd5, site: External, base_url: "URL"}
  - {type: recruitee, company: initrobotics, base_url: "URL"}
  - {type: breezy, company: umbrellaworks, base_url: "URL"}
  - {type: rippling, board: initech-labs, company_name: Initech Labs, base_url: "URL"}
  - {type: personio, company: vandelay, company_name: Vandelay Analytics, base_url: "URL"}
  - {type: teamtailor, company: hoolinordic, company_name: Hooli Nordic, base_url: "URL"}
  - {type: himalayas, base_url: "URL"}
  - {type: jobicy, base_url: "URL"}
  - {type: workingnomads, base_url: "URL"}
  - {type: weworkremotely, base_url: "URL"}
  - {type: hackernews, base_url: "URL"}
"""
FAILING = """
  - {type: workday, tenant: fortress, instance: wd1, site: External, base_url: "URL"}
  - {type: workday, tenant: captcha, instance: wd1, site: External, base_url: "URL"}
  - {type: workday, tenant: flaky, instance: wd1, site: External, company_name: Flaky, base_url: "URL"}
  - {type: personio, company: broken, base_url: "URL/broken"}
  - {type: recruitee, company: moved, base_url: "URL/html"}
  - {type: jobicy, name: jobicy-huge, base_url: "URL/huge"}
"""


def write_sources(tmp_path: Path, url: str, entries: str, name: str = "sources.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"filter: default\nsources:\n{entries.replace('URL', url)}", encoding="utf-8")
    return path


def crawl(command: list[str], db: Path, sources: Path, **settings: str) -> subprocess.CompletedProcess:
    options = [item for name, value in {**FAST, **settings}.items() for item in ("-s", f"{name}={value}")]
    return subprocess.run([*command, "--db", str(db), "crawl", "--sources", str(sources), "--format", "json",
                           *options], capture_output=True, text=True, timeout=90)


FIFTY = "".join(f'  - {{type: greenhouse, board: b{i}, base_url: "URL"}}\n' for i in range(50))


def _night(server: board_server.BoardServer, prefix: str = "") -> tuple[int, int, int]:
    """(requests, answers with a body, body bytes) for the paths under ``prefix``."""
    paths = [path for path in server.hits if path.startswith(prefix)]
    return (sum(server.hits[p] for p in paths), sum(server.sent.get(p, (0, 0))[0] for p in paths),
            sum(server.sent.get(p, (0, 0))[1] for p in paths))


@pytest.mark.slow
def test_every_new_board_lands_and_the_unchanged_second_night_costs_304s(tmp_path, jobmatch_command):
    """The new boards and 50 Greenhouse boards, crawled twice; issue 17's measure: the second crawl of
    the 50 unchanged boards, its requests that returned a body and its bytes against the first's."""
    db = tmp_path / "store.db"
    routes = {**board_server.fixture_routes(), **board_server.generated_routes(50, 4)}
    with board_server.BoardServer(routes, validators=True) as server:
        sources = write_sources(tmp_path, server.url, NEW_BOARDS + FIFTY)
        first = crawl(jobmatch_command, db, sources)
        assert first.returncode == 0, first.stderr
        assert first.stderr == ""  # a healthy crawl is silent on stderr
        night1, fifty1 = _night(server), _night(server, "/v1/boards/b")
        summary = json.loads(first.stdout)
        by_name = {s["name"]: s for s in summary["sources"]}
        expected = {  # name: (pages, new)
            "workday:globex": (6, 3),  # 3 list pages of 2 (POST), 3 details (the payroll title never fetched)
            "recruitee:initrobotics": (1, 2), "breezy:umbrellaworks": (3, 2), "rippling:initech-labs": (2, 2),
            "personio:vandelay": (1, 1), "teamtailor:hoolinordic": (1, 2), "himalayas": (2, 2), "jobicy": (1, 1),
            "workingnomads": (1, 1), "weworkremotely": (1, 1), "hackernews": (2, 3),
        }
        assert {name: (by_name[name]["pages"], by_name[name]["new"]) for name in expected} == expected
        assert all(s["failure"] is None for s in summary["sources"]) and len(summary["sources"]) == 61
        assert server.hits["/wday/cxs/globex/External/jobs"] == 3
        assert server.hits["/api/v2/board/initech-labs/jobs"] == 2

        store = Store(str(db))
        postings = [p for p in store.iter_postings() if not p.source.startswith("greenhouse:b")]
        assert len(postings) == summary["totals"]["new"] - 200 == 20
        for posting in postings:
            assert posting.title and posting.url, posting.id
            assert posting.company or posting.id == "hackernews:46000103", posting.id  # free form: no company
            assert "<" not in posting.description and "&lt;" not in posting.description and "&amp;" not in posting.description
            assert posting.description or posting.source.startswith("rippling"), posting.id  # Rippling lists none
        workday = store.get_posting("workday:globex:JR-1001")
        assert workday.company == "Globex Logistics SE" and "PyTorch & LightGBM" in workday.description
        assert store.get_posting("breezy:umbrellaworks:b7c1d2e3f4a5").description.startswith("Build multilingual NLP")

        # The next night, nothing changed: every board answers 304 and its kept copy is parsed again.
        server.reset_counts()
        second = crawl(jobmatch_command, db, sources)
        assert second.returncode == 0, second.stderr
        night2, fifty2 = _night(server), _night(server, "/v1/boards/b")
        totals = json.loads(second.stdout)["totals"]
        assert (totals["new"], totals["updated"], totals["unchanged"], totals["closed"]) == (0, 0, 220, 0)
        robots = server.hits["/robots.txt"]
        assert server.statuses.get(304, 0) == night2[0] - robots  # every board request
        assert night2[1] == robots and night2[2] < night1[2] * 0.01, (night1, night2)
        print(f"50 boards: night 1 {fifty1[0]} requests, {fifty1[1]} with a body, {fifty1[2]} bytes; "
              f"night 2 {fifty2[0]} requests, {fifty2[1]} with a body, {fifty2[2]} bytes "
              f"(all boards with robots.txt: {night1} -> {night2})")
        assert fifty1[1] == 50 and fifty2[0] == 50 and fifty2[1] == 0 and fifty2[2] == 0
        assert db.with_name("store.db.http-cache").is_dir()
        store.close()


@pytest.mark.slow
def test_failing_new_boards_are_one_line_each_and_a_lost_detail_still_lands(tmp_path, jobmatch_command):
    db = tmp_path / "store.db"
    routes = {**board_server.fixture_routes(), **board_server.new_board_failures()}
    with board_server.BoardServer(routes) as server:
        sources = write_sources(tmp_path, server.url, NEW_BOARDS + FAILING)
        result = crawl(jobmatch_command, db, sources)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    failures = [line for line in result.stderr.splitlines() if line.startswith("FAILED ")]
    expected = {
        "workday:fortress": "forbidden (HTTP 403): the board refuses this crawler",
        "workday:captcha": "expected JSON, got an HTML or XML page",
        "workday:flaky": "HTTP 500 after 1 retry",
        "personio:broken": "personio: malformed XML",
        "recruitee:moved": "expected JSON, got an HTML or XML page",
        "jobicy-huge": "larger than the size cap",
    }
    assert len(failures) == len(expected), failures
    for name, reason in expected.items():
        assert any(line.startswith(f"FAILED {name}: ") and reason in line for line in failures), (name, failures)
    summary = json.loads(result.stdout)
    healthy = [s for s in summary["sources"] if s["name"] not in expected]
    assert len(healthy) == 11 and all(s["failure"] is None for s in healthy)
    flaky = next(s for s in summary["sources"] if s["name"] == "workday:flaky")
    assert flaky["new"] == 3 and not flaky["complete"]
    store = Store(str(db))
    lost = store.get_posting("workday:flaky:JR-1004")
    assert lost.title == "Applied Scientist, LLM Evaluation" and lost.description == ""
    assert lost.structured[DETAIL_MISSING].startswith("HTTP 500")
    assert store.get_posting("workday:flaky:JR-1001").description  # its siblings' details came back
    store.close()


@pytest.mark.slow
def test_sources_check_reports_the_dead_boards_and_add_probe_refuses_one(tmp_path, jobmatch_command):
    routes = {**board_server.fixture_routes(), **board_server.new_board_failures(), **board_server.failing_routes()}
    with board_server.BoardServer(routes) as server:
        sources = write_sources(tmp_path, server.url, """
  - {type: greenhouse, board: acme, base_url: "URL"}
  - {type: greenhouse, board: gone, base_url: "URL"}
  - {type: workday, tenant: fortress, instance: wd1, site: External, base_url: "URL"}
  - {type: rippling, board: nobody, base_url: "URL"}
""".replace("URL", server.url))
        options = [item for name, value in FAST.items() for item in ("-s", f"{name}={value}")]
        checked = subprocess.run([*jobmatch_command, "sources", "check", "--sources", str(sources), "--format", "json",
                                  *options], capture_output=True, text=True, timeout=60)
        probe = subprocess.run([*jobmatch_command, "sources", "add", "https://jobs.lever.co/gone", "--probe",
                                "--sources", str(tmp_path / "new.yaml"), "--base-url", server.url, *options],
                               capture_output=True, text=True, timeout=60)
    assert checked.returncode == 3, checked.stderr
    verdicts = {v["name"]: v for v in json.loads(checked.stdout)["sources"]}
    assert verdicts["greenhouse:acme"]["status"] == "ok" and verdicts["greenhouse:acme"]["jobs"] == 7
    assert verdicts["greenhouse:gone"]["status"] == "gone" and "sources add" in verdicts["greenhouse:gone"]["fix"]
    assert verdicts["workday:fortress"]["status"] == "failed"
    assert verdicts["rippling:nobody"]["status"] == "gone"
    dead = [line for line in checked.stderr.splitlines() if line.startswith("DEAD ")]
    assert len(dead) == 3 and checked.stderr.splitlines()[-1] == "3 of 4 source(s) are dead."
    assert "Traceback" not in checked.stderr
    assert probe.returncode == 1 and probe.stderr.startswith("Error: lever:gone: board gone (HTTP 404)")
    assert not (tmp_path / "new.yaml").exists()
