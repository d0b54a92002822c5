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


# --- learnable categories, prerequisites and learning resources ---------------------------------------

GOOD_RESOURCE = "{title: T, url: 'https://example.org/docs', kind: docs, level: beginner}"


def skill_with(fields: str) -> str:
    return f"skills:\n  - {{id: x1, label: X, category: ml_tools, {fields}}}\n"


def test_every_bundled_category_says_whether_it_is_learnable():
    import yaml

    raw = yaml.safe_load((Path(bundled_files()[0]).parent / "categories.yaml").read_text(encoding="utf-8"))
    assert all(isinstance(entry.get("learnable"), bool) for entry in raw["categories"])
    taxonomy = load_taxonomy()
    not_learnable = {c.id for c in taxonomy.categories.values() if not c.learnable}
    assert {"soft_skills", "spoken_languages", "degrees", "education_fields"} <= not_learnable
    assert not {"ml_tools", "ml_concepts", "mathematics", "programming_languages", "llm", "mlops"} & not_learnable


@pytest.mark.parametrize("name, learnable", [
    ("python", True), ("pytorch", True), ("kubernetes", True), ("statistics", True), ("rag", True),
    ("communication", False), ("leadership", False), ("english", False), ("phd", False),
    ("bachelor's degree", False), ("physics", False), ("security clearance", False), ("saas", False),
])
def test_is_learnable(name, learnable):
    taxonomy = load_taxonomy()
    assert taxonomy.is_learnable(taxonomy.resolve(name)) is learnable
    assert taxonomy.is_learnable("no_such_skill") is False


def test_category_learnable_must_be_a_boolean(tmp_path):
    path = write(tmp_path, "categories:\n  - {id: c1, label: C, learnable: maybe}\n")
    with pytest.raises(TaxonomyError, match=r"t.yaml: c1: field 'learnable': must be true or false"):
        build_taxonomy([SMALL, path])


def test_prerequisites_load_and_order_a_learning_path(tmp_path):
    path = write(tmp_path, "skills:\n"
                           "  - {id: la, label: Linear algebra, category: ml_tools}\n"
                           "  - {id: dl, label: Deep learning, category: ml_tools, prerequisites: [la, python]}\n"
                           "  - {id: tf, label: TF2, category: ml_tools, prerequisites: [dl, python]}\n")
    taxonomy = build_taxonomy([SMALL, path])
    assert taxonomy.skills["dl"].prerequisites == ("la", "python")
    assert taxonomy.prerequisites_of("tf") == ["la", "python", "dl"]
    assert taxonomy.prerequisites_of("python") == []
    assert taxonomy.learning_order(["tf", "la", "docker"]) == ["la", "python", "dl", "tf", "docker"]
    assert taxonomy.skills["dl"].to_dict()["prerequisites"] == ["la", "python"]


def test_overlay_adds_prerequisites(tmp_path):
    overlay = write(tmp_path, "skills:\n  - {id: pytorch, prerequisites: [python]}\n", "overlay.yaml")
    assert build_taxonomy([SMALL], overlay).skills["pytorch"].prerequisites == ("python",)


@pytest.mark.parametrize("text, message", [
    (skill_with("prerequisites: [nowhere]"), r"x1: field 'prerequisites': links to unknown skill 'nowhere'"),
    (skill_with("prerequisites: [x1]"), r"x1: field 'prerequisites': links to itself"),
    (skill_with("prerequisites: python"), r"x1: field 'prerequisites': must be a list"),
    ("skills:\n  - {id: a1, label: A1, category: ml_tools, prerequisites: [b1]}\n"
     "  - {id: b1, label: B1, category: ml_tools, prerequisites: [c1]}\n"
     "  - {id: c1, label: C1, category: ml_tools, prerequisites: [a1]}\n",
     r"field 'prerequisites': prerequisite cycle: a1 -> b1 -> c1 -> a1"),
])
def test_bad_prerequisites_name_file_entry_and_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError, match=message) as error:
        build_taxonomy([SMALL, path])
    assert "t.yaml" in str(error.value)


def test_a_resource_keeps_its_fields():
    path = str(Path(__file__).parent / "fixtures" / "taxonomy" / "small.yaml")
    [resource] = build_taxonomy([path]).skills["machine_learning"].resources
    assert resource.to_dict() == {"title": "Machine Learning", "kind": "course", "provider": "Coursera",
                                  "url": "https://www.coursera.org/specializations/machine-learning-introduction",
                                  "level": "beginner"}
    assert not resource.from_guide


def test_a_resource_with_all_fields(tmp_path):
    path = write(tmp_path, skill_with("resources: [{title: Book, url: 'http://example.org/b', kind: book, "
                                      "level: advanced, provider: Someone, section: 'Step 3: Learn'}]"))
    [resource] = build_taxonomy([SMALL, path]).skills["x1"].resources
    assert (resource.kind, resource.level, resource.provider, resource.section) == ("book", "advanced", "Someone",
                                                                                  "Step 3: Learn")
    assert resource.from_guide and resource.url == "http://example.org/b"


@pytest.mark.parametrize("resource, message", [
    ("{title: T, kind: docs, level: beginner}", r"resources\[0\] \('T'\) needs a 'url'"),
    ("{title: T, url: 'ftp://example.org/x', kind: docs, level: beginner}", "url must be an http"),
    ("{title: T, url: 'javascript:alert(1)', kind: docs, level: beginner}", "url must be an http"),
    ("{title: T, url: 'www.example.org', kind: docs, level: beginner}", "url must be an http"),
    ("{title: T, url: 'https://', kind: docs, level: beginner}", "url must be an http"),
    ("{title: T, url: 'https://example.org/a b', kind: docs, level: beginner}", "url must be an http"),
    ("{title: T, url: 42, kind: docs, level: beginner}", "'url' must be one line of text"),
    ("{url: 'https://example.org', kind: docs, level: beginner}", "needs a 'title'"),
    ("{title: T, url: 'https://example.org', level: beginner}", "needs a 'kind'"),
    ("{title: T, url: 'https://example.org', kind: docs}", "needs a 'level'"),
    ("{title: T, url: 'https://example.org', kind: podcast, level: beginner}", "kind must be one of course, book"),
    ("{title: T, url: 'https://example.org', kind: docs, level: expert}", "level must be one of beginner"),
    ("{title: T, url: 'https://example.org', kind: docs, level: beginner, price: 10}", "unknown field"),
    ("just a title", r"resources\[0\] must be a mapping"),
])
def test_bad_resources_name_file_entry_and_field(tmp_path, resource, message):
    path = write(tmp_path, skill_with(f"resources: [{GOOD_RESOURCE}, {resource}]").replace("[0]", "[1]"))
    with pytest.raises(TaxonomyError, match=message.replace(r"\[0\]", r"\[1\]")) as error:
        build_taxonomy([SMALL, path])
    assert str(error.value).startswith(path + ": x1: field 'resources'")


def test_an_overlay_resource_is_validated_too(tmp_path):
    overlay = write(tmp_path, "skills:\n  - {id: python, resources: [{title: T, url: 'file:///x', kind: docs, "
                              "level: beginner}]}\n", "overlay.yaml")
    with pytest.raises(TaxonomyError, match="overlay.yaml: python: field 'resources'.*http"):
        build_taxonomy([SMALL], overlay)


# --- the bundled data: size, surface forms, prerequisites ----------------------------------------------


def test_bundled_taxonomy_covers_the_market():
    taxonomy = load_taxonomy()
    assert len(taxonomy.skills) >= 800
    for name in ("pattern recognition", "survival analysis", "bayesian optimization", "representation learning",
                 "meta-learning", "active learning", "synthetic data", "3d vision", "caffe", "theano", "knime", "h2o.ai",
                 "vllm", "function calling", "mcp servers", "evals", "langgraph", "guardrails", "slam", "lidar",
                 "github actions", "datadog", "pinecone", "delta lake", "dagster", "great expectations"):
        assert taxonomy.resolve(name), name


@pytest.mark.parametrize("name, skill", [
    ("deploying models", "model_deployment"), ("shipping models to production", "model_deployment"),
    ("productionizing models", "model_deployment"), ("validating models", "model_evaluation"),
    ("design and run experiments", "experimental_design"), ("tuning models", "hyperparameter_tuning"),
    ("hyperparameter tuning", "hyperparameter_tuning"), ("containers", "containerization"),
    ("collaborate", "teamwork"), ("collaborating", "teamwork"), ("Ph.D.", "phd"), ("Ph.D", "phd"),
    ("B.S.", "bachelors_degree"), ("M.S.", "masters_degree"), ("M.Sc.", "masters_degree"), ("Dockers", "docker"),
    ("data analyses", "data_analysis"), ("Deutschkenntnisse", "german"),
])
def test_surface_forms_postings_use(name, skill):
    assert load_taxonomy().resolve(name) == skill


def test_generic_words_are_not_plain_names():
    # These are ordinary English (or name a team, a benefit or a heading) and must not match on their own.
    taxonomy = load_taxonomy()
    plain = {normalize(n) for s in taxonomy.skills.values() for n in s.plain_names}
    for word in ("agents", "cloud", "research", "privacy", "identity", "education", "degree", "innovation",
                 "reporting", "notion", "salt", "mocha", "espresso", "cursor", "prototype", "edge ai", "sales"):
        assert word not in plain, word


def test_bundled_prerequisites_follow_the_learning_path():
    taxonomy = load_taxonomy()
    for skill, before in (("pytorch", {"python", "linear_algebra"}), ("deep_learning", {"machine_learning", "calculus"}),
                          ("kubernetes", {"docker", "linux"}), ("rag", {"llms", "vector_databases"})):
        assert before <= set(taxonomy.skills[skill].prerequisites), skill
    order = taxonomy.learning_order(["rag"])
    assert order[-1] == "rag" and order.index("python") < order.index("machine_learning") < order.index("llms")
    assert all(taxonomy.is_learnable(p) for s in taxonomy.skills.values() for p in s.prerequisites)


def normalize(name: str) -> str:
    from jobmatch.taxonomy.model import normalize_name

    return normalize_name(name)


# --- benchmarks/taxonomy_evidence.py -----------------------------------------------------------------------


def evidence_script():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "taxonomy_evidence.py"
    spec = importlib.util.spec_from_file_location("taxonomy_evidence", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_evidence_counts_postings_per_skill(tmp_path, capsys):
    import gzip
    import json

    (tmp_path / "ashby-2025").mkdir()
    with gzip.open(tmp_path / "ashby-2025" / "postings.jsonl.gz", "wt", encoding="utf-8") as handle:
        for text in ("Python and Kubernetes; deploying models", "We use PyTorch, Dockers and Go or Rust",
                     "Sales role. Spark joy."):
            handle.write(json.dumps({"description": text}) + "\n")
    (tmp_path / "skillspan").mkdir()
    (tmp_path / "skillspan" / "postings_train_dev.jsonl").write_text(
        json.dumps({"sentences": ["Experience with python , docker ( compose )"]}) + "\n", encoding="utf-8")
    script = evidence_script()
    assert script.main(["--data", str(tmp_path), "--guide", str(tmp_path / "none.txt"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    rows = {row["id"]: row for row in report["skills"]}
    assert report["sources"] == {"ashby": 3, "skillspan": 1}
    assert (rows["python"]["ashby"], rows["python"]["skillspan"]) == (1, 1)
    assert rows["docker"]["ashby"] == 1 and rows["model_deployment"]["ashby"] == 1
    assert rows["go"]["ashby"] == 0 and rows["go"]["ashby_ctx"] == 1  # "Go" is ambiguous: counted apart
    assert "pytorch_lightning" in report["low_evidence"] and "python" not in report["low_evidence"]
    assert script.main(["--data", str(tmp_path), "--guide", str(tmp_path / "none.txt"), "--check"]) == 1


def test_evidence_says_when_the_data_is_absent(tmp_path, capsys):
    assert evidence_script().main(["--data", str(tmp_path / "nowhere")]) == 2
    assert "no evidence data" in capsys.readouterr().err
