"""Shared fixtures: every test gets its own JOBMATCH_HOME, so none touches a real store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SKILLSPAN = SHARED / "data" / "skillspan"


@pytest.fixture(autouse=True)
def jobmatch_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("jobmatch-home")
    monkeypatch.setenv("JOBMATCH_HOME", str(home))
    monkeypatch.delenv("JOBMATCH_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def skillspan_dir() -> Path:
    if not (SKILLSPAN / "postings_train_dev.jsonl").exists():
        pytest.skip(f"SkillSpan data not found at {SKILLSPAN} (only present beside the repo in ../shared/)")
    return SKILLSPAN


@pytest.fixture
def jobmatch_command() -> list[str]:
    """How to run the installed CLI as a subprocess (the same interpreter as the tests)."""
    return [sys.executable, "-m", "jobmatch.cli"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


QUEUE_TABLES = ("pgqueuer", "pgqueuer_log", "pgqueuer_statistics")  # the team queue's (PgQueuer's)


@pytest.fixture
def team_url() -> str:
    """CI's PostgreSQL (JOBMATCH_TEST_POSTGRES_URL) with an empty store and an empty team queue."""
    url = os.environ.get("JOBMATCH_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("JOBMATCH_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    import sqlalchemy as sa

    from jobmatch.crawler import schema

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        schema.metadata.drop_all(connection)
        present = set(sa.inspect(connection).get_table_names())
        for table in QUEUE_TABLES:
            if table in present:
                connection.execute(sa.text(f"TRUNCATE {table}"))
    engine.dispose()
    return url
