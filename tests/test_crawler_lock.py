"""The crawl lock: exclusive while held, released on exit, a dead owner's lock taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobmatch.crawler.lock import CrawlLock, CrawlLockedError, lock_path_for

HOLD = """
import sys, time
from jobmatch.crawler.lock import CrawlLock
lock = CrawlLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_lock_path_beside_a_sqlite_file_or_in_home_for_a_url(tmp_path):
    assert lock_path_for(str(tmp_path / "s.db"), tmp_path / "home") == tmp_path / "s.db.crawl-lock"
    url_lock = lock_path_for("postgresql://u@h/db", tmp_path / "home")
    assert url_lock.parent == tmp_path / "home" and url_lock.name.startswith("crawl-")


def test_acquire_release_and_second_holder_refused_in_process(tmp_path):
    path = tmp_path / "crawl.lock"
    with CrawlLock(path) as lock:
        assert json.loads(path.read_text())["pid"] == os.getpid()
        assert lock.stale_owner is None
        with pytest.raises(CrawlLockedError, match="another crawl of this store is running"):
            CrawlLock(path).acquire()
    assert not path.exists()


def _holder(path: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_live_crawl_in_another_process_blocks_and_a_killed_one_is_taken_over(tmp_path):
    path = tmp_path / "crawl.lock"
    holder = _holder(path)
    try:
        with pytest.raises(CrawlLockedError, match=f"pid {holder.pid}"):
            CrawlLock(path).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert path.exists()  # the killed crawl could not clean up
    time.sleep(0.05)
    with CrawlLock(path) as lock:
        assert lock.stale_owner is not None and lock.stale_owner["pid"] == holder.pid
    assert not path.exists()


def test_garbage_in_a_lock_file_is_taken_over(tmp_path):
    path = tmp_path / "crawl.lock"
    path.write_text("not json")
    with CrawlLock(path) as lock:
        assert lock.stale_owner == {"unreadable": "not json"}
