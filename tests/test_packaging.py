"""Every code folder ships: a clean install (as CI does) has each subpackage and its data."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PARTS = {"crawler", "matcher", "taxonomy", "cli"}


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {
        "jobmatch." + ".".join(init.parent.relative_to(REPO).parts)
        for part in PARTS for init in (REPO / part).rglob("__init__.py")
        if "templates" not in init.parts
    }
    assert folders <= listed, f"missing from pyproject packages: {sorted(folders - listed)}"


def test_no_tests_package():
    assert not (REPO / "tests" / "__init__.py").exists()
