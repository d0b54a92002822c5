"""Loading and validating taxonomy files: the bundled one, overlays, and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobmatch.taxonomy.errors import TaxonomyError
from jobmatch.taxonomy.loading import build_taxonomy, bundled_files, load_taxonomy

SMALL = str(Path(__file__).parent / "fixtures" / "taxonomy" / "small.yaml")


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bundled_taxonomy_is_broad_and_built_from_the_guide():
    taxonomy = load_taxonomy()
    assert len(taxonomy.skills) >= 300
    guide = {s.id for s in taxonomy.skills.values() if s.origin == "guide"}
    for name in ("linear algebra", "calculus", "statistics", "python", "r", "java", "c++", "matlab",
                 "scikit-learn", "tensorflow", "pytorch", "keras", "xgboost", "opencv", "nltk", "spacy",
                 "classification", "regression", "clustering", "natural language processing",
                 "computer vision", "reinforcement learning", "communication", "problem solving"):
        assert taxonomy.resolve(name) in guide, name
    market = {s.id for s in taxonomy.skills.values() if s.origin == "market"}
    for name in ("sql", "docker", "kubernetes", "aws", "spark", "mlflow", "airflow", "git"):
        assert taxonomy.resolve(name) in market, name
    assert any(s.resources for s in taxonomy.skills.values())


def test_aliases_resolve_to_their_skill():
    taxonomy = load_taxonomy()
    assert taxonomy.resolve("sklearn") == taxonomy.resolve("scikit-learn")
    assert taxonomy.resolve("torch") == taxonomy.resolve("PyTorch")
    assert taxonomy.resolve("PyTorch Lightning") != taxonomy.resolve("pytorch")


def test_version_is_a_content_hash(tmp_path):
    first = build_taxonomy([SMALL])
    assert build_taxonomy([SMALL]).version == first.version
    changed = write(tmp_path, "skills:\n  - {id: python, aliases: [py3]}\n", "overlay.yaml")
    assert build_taxonomy([SMALL], changed).version != first.version


def test_overlay_adds_skills_and_aliases(tmp_path):
    overlay = write(tmp_path, "skills:\n  - {id: python, aliases: [cpython]}\n"
                              "  - {id: polars, label: Polars, category: ml_tools, related: [python]}\n")
    taxonomy = build_taxonomy([SMALL], overlay)
    assert taxonomy.resolve("cpython") == "python" and taxonomy.resolve("Polars") == "polars"
    assert taxonomy.skills["python"].label == "Python"


@pytest.mark.parametrize("text, message", [
    ("skills:\n  - {id: python, label: Py, category: programming_languages}\n", "duplicate skill id"),
    ("skills:\n  - {id: x1, label: X, category: ml_tools, related: [nowhere]}\n", "unknown skill 'nowhere'"),
    ("skills:\n  - {id: x1, label: X, category: ml_tools, aliases: [[a, b]]}\n", "malformed entry"),
    ("skills:\n  - {id: x1, label: X, category: ml_tools, aliases: ['']}\n", "malformed entry"),
    ("skills:\n  - {id: x1, label: X, category: ml_tools, aliases: [python]}\n", "already belongs to skill 'python'"),
    ("skills:\n  - {id: X-1, label: X, category: ml_tools}\n", "snake_case"),
    ("skills:\n  - {id: x1, label: X, category: nowhere}\n", "unknown category"),
    ("skills:\n  - {id: x1, label: X, category: ml_tools, colour: red}\n", "unknown field"),
    ("skills: [\n", "invalid YAML"),
    ("", "file is empty"),
])
def test_broken_files_name_file_entry_and_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError, match=message) as error:
        build_taxonomy([SMALL, path])
    assert "t.yaml" in str(error.value)


def test_yaml_error_names_line_and_column(tmp_path):
    path = write(tmp_path, "skills:\n  - id: a\n    label: [unclosed\n")
    with pytest.raises(TaxonomyError, match=r"line \d+, column \d+"):
        build_taxonomy([path])


def test_non_utf8_taxonomy_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"skills:\n  - {id: caf\xe9}\n")
    with pytest.raises(TaxonomyError, match="not valid UTF-8"):
        build_taxonomy([str(path)])


def test_bundled_files_are_package_data():
    assert bundled_files() and all(path.suffix == ".yaml" for path in bundled_files())
