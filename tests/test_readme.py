"""The README runs: its set-up commands match CI, and every jobmatch command in it exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import COMMANDS, cli

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
CODE = "\n".join(re.findall(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S))
COMMAND_LINES = sorted({line.split("#")[0].strip() for line in CODE.splitlines()
                        if line.strip().startswith("jobmatch ")})


def test_two_set_up_commands():
    assert "pip install . && jobmatch rank examples/profile.yaml" in README
    assert 'pip install ".[test]" && python -m pytest -q' in README
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet ".[test]"' in ci and "python -m pytest -q" in ci


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_every_readme_command_exists_and_has_help(line):
    words = shlex.split(line.split("|")[0].split(">")[0])[1:]
    assert words[0] in COMMANDS, f"README names an unknown command: {line}"
    path = [words[0]]
    if len(words) > 1 and not words[1].startswith("-") and "." not in words[1] and "/" not in words[1]:
        path.append(words[1])  # a subcommand of a group (postings list, taxonomy show)
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output


def test_the_main_job_runs_on_the_bundled_sample(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "rank", "examples/profile.yaml"])
    assert result.exit_code == 0, result.output
    assert "bundled sample" in result.stdout


def test_every_command_is_in_the_readme():
    for name in COMMANDS:
        assert f"jobmatch {name}" in README, name
