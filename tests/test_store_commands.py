"""``jobmatch store info|prune``, the caches' life cycle, and read-only stores: real SQLite files,
the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store
from jobmatch.matcher.index import PostingIndex

REPO = Path(__file__).resolve().parents[1]
PROFILE = str(REPO / "examples" / "profile.yaml")
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def info(db: str) -> dict:
    result = run("--db", db, "store", "info", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def caches(home: Path, kind: str = "index") -> list[Path]:
    return sorted((home / "cache").glob(f"{kind}-*.pickle"))


@pytest.fixture
def store(tmp_path) -> str:
    db = str(tmp_path / "store.db")
    assert run("--db", db, "import", SAMPLE).exit_code == 0
    return db


def test_info_says_where_how_big_what_is_in_it_and_the_last_crawl(store, jobmatch_home):
    with Store(store) as opened:
        run_id = opened.start_run([{"name": "gh", "type": "greenhouse"}])
        opened.finish_run(run_id, "healthy", [], {"new": 0})
    assert run("--db", store, "rank", PROFILE, "--top", "1").exit_code == 0
    data = info(store)
    assert data["store"] == store and data["database"] == "sqlite" and data["read_only"] is False
    assert data["size_bytes"] >= Path(store).stat().st_size > 0
    assert data["postings"] == {"total": 40, "open": 38, "closed": 2, "duplicates": 0}
    assert data["extractions"]["current"] == 38 and data["extractions"]["other_versions"] == 0
    assert data["crawl_runs"] == 1 and data["last_crawl"]["status"] == "healthy"
    [cache] = caches(jobmatch_home)
    assert data["cache"]["store_bytes"] == cache.stat().st_size
    assert data["cache"]["total_bytes"] >= cache.stat().st_size and data["cache"]["stores"] == 1
    table = run("--db", store, "store", "info")
    assert table.exit_code == 0
    for words in ("38 open, 2 closed", "healthy", "for this store"):
        assert words in table.stdout


def test_info_never_creates_a_store(tmp_path):
    db = tmp_path / "missing.db"
    result = run("--db", str(db), "store", "info")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert not db.exists()


def test_prune_after_three_stores_when_two_are_deleted_drops_exactly_their_caches(tmp_path, jobmatch_home):
    stores = [str(tmp_path / f"{name}.db") for name in ("a", "b", "c")]
    for db in stores:
        assert run("--db", db, "import", SAMPLE).exit_code == 0
        assert run("--db", db, "rank", PROFILE, "--top", "1").exit_code == 0
    made = {PostingIndex.read_header(path)["store"]: path for path in caches(jobmatch_home)}
    assert set(made) == {str(Path(db).resolve()) for db in stores}
    Path(stores[1]).unlink()
    Path(stores[2]).unlink()

    dry = run("--db", stores[0], "store", "prune", "--dry-run")
    assert dry.exit_code == 0 and "Would remove 2 cache file(s): its store is gone" in dry.stdout
    assert len(caches(jobmatch_home)) == 3
    result = run("--db", stores[0], "store", "prune", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    gone = {entry["path"] for entry in report["caches"]}
    assert gone == {str(made[str(Path(db).resolve())]) for db in stores[1:]}
    assert caches(jobmatch_home) == [made[str(Path(stores[0]).resolve())]]
    assert report["cache_bytes_freed"] > 0
    again = run("--db", stores[0], "store", "prune")
    assert again.stdout.strip() == "Nothing to prune."
    # the store that is left still ranks from its cache
    assert run("--db", stores[0], "rank", PROFILE, "--top", "1").exit_code == 0
    assert caches(jobmatch_home) == [made[str(Path(stores[0]).resolve())]]


def test_a_cache_outlived_by_its_store_is_pruned_and_a_superseded_one_goes_by_itself(store, jobmatch_home):
    assert run("--db", store, "rank", PROFILE, "--top", "1").exit_code == 0
    [cache] = caches(jobmatch_home)
    legacy = jobmatch_home / "cache" / "index-0123456789ab.pickle"  # an older build's cache: no header
    legacy.write_bytes(b"\x80\x05legacy pickle")
    leftover = jobmatch_home / "cache" / ".index-x.pickle.abc.tmp"  # from a process killed mid-write
    leftover.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    with Store(store) as opened:  # the store changes: the cache is now older than it
        opened.upsert_postings([Posting(title="Applied Scientist", description="Python.", source="x", source_id="1")])
    pruned = json.loads(run("--db", store, "store", "prune", "--dry-run", "--format", "json").stdout)
    reasons = {Path(entry["path"]).name: entry["reason"] for entry in pruned["caches"]}
    assert reasons == {cache.name: "older than its store (rebuilt on the next rank)",
                       legacy.name: "written by an older jobmatch", leftover.name: "left by an interrupted process"}
    # the next rank writes a new cache, which supersedes the legacy one and the leftover by itself
    assert run("--db", store, "rank", PROFILE, "--top", "1").exit_code == 0
    assert caches(jobmatch_home) == [cache] and not legacy.exists() and not leftover.exists()


def test_one_cache_per_store_however_its_path_is_spelled(store, jobmatch_home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for spelling in (store, "store.db", "./store.db", f"{tmp_path}/../{tmp_path.name}/store.db"):
        assert run("--db", spelling, "rank", PROFILE, "--top", "1").exit_code == 0
    assert len(caches(jobmatch_home)) == 1


def test_prune_closed_older_than_deletes_closed_postings_and_their_extractions_only(tmp_path):
    db = str(tmp_path / "store.db")
    with Store(db) as opened:
        old = [Posting(title=f"ML Engineer {n}", description=f"Python {n}.", source="gh", source_id=str(n),
                       company="Acme", locations=["Berlin"]) for n in range(3)]
        opened.upsert_postings(old, seen_at="2025-01-01T00:00:00Z")
        copy = Posting(title="ML Engineer 0", description="Python, other words.", source="lever", source_id="c",
                       company="Acme", locations=["Berlin"])
        opened.upsert_postings([copy], seen_at="2025-01-02T00:00:00Z")
        assert opened.get_posting("lever:c").to_record()  # stored as a duplicate of gh:0
        opened.close_missing("gh", ["gh:2"], closed_at="2025-02-01T00:00:00Z")  # gh:0 and gh:1 closed long ago
        opened.save_extractions("v1.x1", [(p, {"skills": []}) for p in [*old, copy]])
    dry = run("--db", db, "store", "prune", "--closed-older-than", "90d", "--dry-run", "--keep-extractions")
    assert dry.exit_code == 0 and "Would delete 2 posting(s) closed before" in dry.stdout
    assert info(db)["postings"]["total"] == 4
    result = run("--db", db, "store", "prune", "--closed-older-than", "90d", "--keep-extractions", "--vacuum")
    assert result.exit_code == 0, result.output
    assert "Deleted 2 posting(s) closed before" in result.stdout and "2 extraction(s) of them" in result.stdout
    with Store(db) as opened:
        assert sorted(p.id for p in opened.iter_postings()) == ["gh:2", "lever:c"]
        assert {row["id"] for row in opened.extractions("v1.x1", include_duplicates=True)} == {"gh:2", "lever:c"}
        # the copy of a deleted posting is now the one rankings show
        assert [p.id for p in opened.iter_postings(include_duplicates=False)] == ["gh:2", "lever:c"]


def test_prune_drops_extractions_of_other_taxonomy_versions(store):
    assert run("--db", store, "extract").exit_code == 0
    with Store(store) as opened:
        opened.save_extractions("oldversion.x0", [(p, {"skills": []}) for p in opened.iter_postings()])
    before = info(store)["extractions"]
    assert before["other_versions"] == 40 and before["other_keys"] == ["oldversion.x0"]
    result = run("--db", store, "store", "prune")
    assert "Deleted 40 extraction(s) made with other taxonomy versions" in result.stdout
    after = info(store)["extractions"]
    assert after["other_versions"] == 0 and after["current"] == before["current"] == 38


@pytest.mark.parametrize("age", ["90", "ninety days", "-3d", "90y"])
def test_a_bad_age_is_a_usage_error(store, age):
    result = run("--db", store, "store", "prune", "--closed-older-than", age)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "90d" in result.stderr


def test_prune_without_a_store_prunes_the_caches_and_creates_nothing(tmp_path, jobmatch_home):
    (jobmatch_home / "cache").mkdir(parents=True)
    (jobmatch_home / "cache" / "index-aaaaaaaaaaaa.pickle").write_bytes(b"old")
    db = tmp_path / "none.db"
    result = run("--db", str(db), "store", "prune")
    assert result.exit_code == 0 and "written by an older jobmatch" in result.stdout
    assert not db.exists() and caches(jobmatch_home) == []
    missing = run("--db", str(db), "store", "prune", "--closed-older-than", "30d")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr and not db.exists()


def test_index_caches_written_at_once_by_many_writers_never_collide(tmp_path):
    index = PostingIndex.from_records([{"id": "a", "title": "ML Engineer", "skills": [
        {"id": "python", "requirement": "required", "years": 3}]}], key="k1")
    path = tmp_path / "cache" / "index-x.pickle"
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(20):
                index.save(path, {"store": "s"})
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(PostingIndex.load(path, "k1").ids) == ["a"]
    assert PostingIndex.read_header(path)["store"] == "s"
    assert sorted(p.name for p in path.parent.iterdir()) == ["index-x.pickle"]  # no temp file left


def test_a_stale_cache_is_not_unpickled(tmp_path):
    path = tmp_path / "index.pickle"
    PostingIndex.from_records([], key="old").save(path)
    data = path.read_bytes()
    header, _, _ = data.partition(b"\n")
    path.write_bytes(header + b"\n" + b"not a pickle at all")
    assert PostingIndex.load(path, "new") is None  # the header says stale: the body is never read
    assert PostingIndex.load(path, "old") is None  # the body is damaged: rebuilt, not an error


def _read_only_prefix(folder: Path) -> list[str] | None:
    """``unshare -m``: this command with ``folder`` bind-mounted read-only (as an unprivileged user
    would see a folder that is not theirs). None where mount namespaces are not available."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    script = f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && exec "$@"'
    prefix = [unshare, "-m", "sh", "-c", script, "sh"]
    try:
        probe = subprocess.run([*prefix, "touch", str(folder / "probe")], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if probe.returncode == 0 or (folder / "probe").exists():
        (folder / "probe").unlink(missing_ok=True)
        return None  # the mount did not make it read-only
    return prefix if b"Read-only file system" in probe.stderr else None


@pytest.mark.slow
def test_a_store_in_a_read_only_folder_can_be_listed_exported_and_shown(tmp_path, jobmatch_command):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "store.db"
    assert run("--db", str(db), "import", SAMPLE).exit_code == 0
    assert run("--db", str(db), "extract").exit_code == 0
    prefix = _read_only_prefix(folder)
    if prefix is None:
        pytest.skip("cannot mount a folder read-only here (unshare -m)")
    before = sorted(p.name for p in folder.iterdir())

    def jobmatch(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *jobmatch_command, "--db", str(db), *args], capture_output=True, text=True,
                              timeout=120)

    listed = jobmatch("postings", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 40
    ranked = jobmatch("rank", PROFILE, "--format", "json", "--top", "2")  # its extractions are current
    assert ranked.returncode == 0 and len(json.loads(ranked.stdout)) == 2, ranked.stderr
    shown = jobmatch("store", "info", "--format", "json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["read_only"] is True
    refused = jobmatch("import", SAMPLE)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "is read-only" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.slow
def test_the_http_cache_beside_the_store_is_shown_and_its_expired_responses_pruned(tmp_path, jobmatch_command):
    import importlib.util
    import sys

    if "board_server" not in sys.modules:
        spec = importlib.util.spec_from_file_location("board_server", REPO / "tests" / "fixtures" / "boards" /
                                                      "board_server.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["board_server"] = module
        spec.loader.exec_module(module)
    board_server = sys.modules["board_server"]
    db = tmp_path / "store.db"
    with board_server.BoardServer(board_server.fixture_routes(), validators=True) as server:  # ETags: cached
        sources = tmp_path / "sources.yaml"
        sources.write_text(f'sources:\n  - {{type: remoteok, base_url: "{server.url}"}}\n', encoding="utf-8")
        crawled = subprocess.run([*jobmatch_command, "--db", str(db), "crawl", "--sources", str(sources), "-s",
                                  "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"],
                                 capture_output=True, text=True, timeout=120)
    assert crawled.returncode == 0, crawled.stderr
    shown = info(str(db))["http_cache"]
    assert shown["entries"] >= 1 and shown["bytes"] > 0 and shown["folder"] == f"{db}.http-cache"
    assert run("--db", str(db), "store", "prune").stdout.strip() == "Nothing to prune."  # fresh: kept
    old = time.time() - 31 * 24 * 3600
    for path in Path(shown["folder"]).rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    result = json.loads(run("--db", str(db), "store", "prune", "--format", "json").stdout)
    assert result["http_cache_responses_deleted"] == shown["entries"] and result["http_cache_bytes_freed"] > 0
    assert info(str(db))["http_cache"]["entries"] == 0
