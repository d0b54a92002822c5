"""The trained skill model (taxonomy/skill_model.py): the shipped pipeline loads offline and is small,
carries SkillSpan's licence and citation, joins the rules without removing any of their skills,
keeps what the taxonomy cannot name apart (unlisted, for `taxonomy suggest`), never crashes on
hostile text, is in the extraction cache key, and fails with a clear error when missing or corrupt.
The tests load the shipped model; none trains it, except one handful of steps on two postings to
check the training script runs (skipped without the SkillSpan data)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch.taxonomy import skill_model, versions
from jobmatch.taxonomy.errors import TaxonomyError
from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import load_taxonomy
from jobmatch.taxonomy.skill_model import MODEL_DIR, SkillModel, SkillModelError
from jobmatch.taxonomy.training import train_skill_model

POSTING = """Requirements:
- Experience with Agile methodologies and Python.
- Knowledge of distributed data storage and traffic management.
- Good knowledge of Kotlin and/or Swift
About us
We are an equal opportunity employer and comply with all federal laws."""


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def hybrid(taxonomy) -> SkillExtractor:
    return SkillExtractor(taxonomy, model=True)


@pytest.fixture(scope="module")
def rules(taxonomy) -> SkillExtractor:
    return SkillExtractor(taxonomy, model=False)


def test_the_shipped_model_is_small_licensed_and_says_what_it_is():
    files = [path for path in MODEL_DIR.rglob("*") if path.is_file()]
    assert sum(path.stat().st_size for path in files) < 25 * 2**20
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["labels"]["ner"] == ["KNOWLEDGE"] and meta["pipeline"] == ["tok2vec", "ner"]
    assert meta["version"] == train_skill_model.MODEL_VERSION
    assert meta["vectors"]["width"] == 0  # no pretrained vectors
    assert "MIT License" in (MODEL_DIR / "LICENSE-SKILLSPAN").read_text(encoding="utf-8")
    assert "zhang-etal-2022-skillspan" in (MODEL_DIR / "CITATION-SKILLSPAN.bib").read_text(encoding="utf-8")
    assert "zhang-etal-2022-skillspan" in (MODEL_DIR / "README.md").read_text(encoding="utf-8")


def test_the_model_loads_and_runs_with_no_network(monkeypatch, rules):
    def refuse(*args, **kwargs):
        raise AssertionError("the skill model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = SkillModel.load(MODEL_DIR)  # not the per-process cache: a real load
    result = SkillExtractor(rules.taxonomy, model=model).extract(POSTING)
    assert {"agile", "python"} <= {s.id for s in result.skills}


def test_the_hybrid_keeps_every_rule_skill_and_adds_what_the_model_links(hybrid, rules):
    with_model, without = hybrid.extract(POSTING), rules.extract(POSTING)
    found = {s.id: s for s in with_model.skills}
    assert {s.id for s in without.skills} <= set(found)
    # "Swift" is ambiguous (the rules want a technical context); a model span around it is that context.
    assert "swift" in found and "swift" not in {s.id for s in without.skills}
    assert found["swift"].requirement == "required"
    assert POSTING[slice(*found["agile"].spans[0])] == "Agile methodologies"


def test_what_the_taxonomy_cannot_name_is_unlisted_not_a_skill(hybrid, taxonomy):
    result = hybrid.extract(POSTING)
    terms = [item.text for item in result.unlisted]
    assert "distributed data storage" in terms
    assert "federal laws" not in terms  # in the section about the employer: asks for nothing
    for item in result.unlisted:
        assert POSTING[item.start:item.end] == item.text and taxonomy.resolve(item.text) is None
    assert all(s.id in taxonomy.skills for s in result.skills)
    # the rules alone never report unlisted terms
    assert SkillExtractor(taxonomy, model=False).extract(POSTING).unlisted == []


def test_unlisted_terms_feed_taxonomy_suggest(rules):
    from jobmatch.taxonomy.discovery import suggest_terms

    texts = [f"Requirements:\n- Knowledge of distributed data storage and Python. Job {i}." for i in range(3)]
    with_model = {s.term.lower(): s.postings for s in suggest_terms(rules, texts, model=True)}
    assert with_model.get("distributed data storage") == 3
    without = {s.term.lower() for s in suggest_terms(rules, texts, model=False)}
    assert "distributed data storage" not in without


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", "x" * 2_000_000, "a" * 1_000_000 + " Python", "我们正在寻找一名机器学习工程师，熟悉Python和PyTorch。",
    "\ud800\udfff Python \udc00", "\x00\x01\x02 SQL \x7f", "Requirements:\n" + "- \n" * 5000, "<script>alert(1)</script>",
    "(((((((((( ]]]]]]]] ,,,,,,,,", "Go " * 20000, "日本語のテキスト " * 3000,
])
def test_extraction_with_the_model_survives_hostile_text(hybrid, text):
    result = hybrid.extract(text, title=text[:200])
    cut = text[:100_000]
    for skill in result.skills:
        assert all(0 <= start < end <= len(cut) for start, end in skill.spans)
    assert all(0 <= item.start < item.end <= len(cut) for item in result.unlisted)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["Python", "Go", "Swift", "R", "distributed data storage", "nice to have:",
                                 "Requirements:", "About us", "3+ years of", ",", "and/or", "\n", "- ", " ", "é",
                                 "我们", "\u200b", "Agile methodologies", "team"]), max_size=40).map("".join))
def test_extraction_with_the_model_never_crashes(hybrid, text):
    result = hybrid.extract(text)
    for skill in result.skills:
        assert all(0 <= start < end <= len(text) for start, end in skill.spans)


def test_the_setting_chooses_rules_or_hybrid_and_the_cache_key_follows(monkeypatch, taxonomy):
    monkeypatch.delenv(skill_model.SETTING, raising=False)
    rules_key = versions.extraction_key(taxonomy)
    assert SkillExtractor(taxonomy).hybrid is None  # the default: rules only for extraction
    assert skill_model.discovery_enabled()
    monkeypatch.setenv(skill_model.SETTING, "on")
    hybrid_key = versions.extraction_key(taxonomy)
    assert hybrid_key == f"{taxonomy.version}+skill_model-{train_skill_model.MODEL_VERSION}.x{versions.EXTRACTOR_VERSION}"
    assert rules_key == f"{taxonomy.version}.x{versions.EXTRACTOR_VERSION}"
    assert SkillExtractor(taxonomy).hybrid is not None
    monkeypatch.setenv(skill_model.SETTING, "off")
    assert versions.extraction_key(taxonomy) == rules_key and not skill_model.discovery_enabled()
    monkeypatch.setenv(skill_model.SETTING, "sometimes")
    with pytest.raises(TaxonomyError, match="JOBMATCH_SKILL_MODEL.*must be on, off or unset"):
        versions.extraction_key(taxonomy)


def test_a_new_model_version_changes_the_cache_key(monkeypatch, tmp_path, taxonomy):
    monkeypatch.setenv(skill_model.SETTING, "on")
    before = versions.extraction_key(taxonomy)
    copy = tmp_path / "skill_model"
    shutil.copytree(MODEL_DIR, copy)
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    (copy / "meta.json").write_text(json.dumps({**meta, "version": "9.9.9"}), encoding="utf-8")
    monkeypatch.setattr(skill_model, "MODEL_DIR", copy)
    after = versions.extraction_key(taxonomy)
    assert after != before and "+skill_model-9.9.9.x" in after
    # and every skill's signature, so a taxonomy edit never carries an extraction across models
    old = versions.signature(taxonomy)
    monkeypatch.setattr(skill_model, "MODEL_DIR", MODEL_DIR)
    assert versions.changed_names(old, versions.signature(taxonomy)) >= {"python", "swift"}


def test_switching_the_model_on_extracts_again_rather_than_carrying_the_rules_results(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from jobmatch.cli.main import cli
    from jobmatch.crawler.store import Store

    db = str(tmp_path / "s.db")
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"id": "t:1", "title": "Mobile Engineer", "description": POSTING}) + "\n",
                      encoding="utf-8")
    runner = CliRunner()
    monkeypatch.delenv(skill_model.SETTING, raising=False)
    assert runner.invoke(cli, ["--db", db, "import", str(source)]).exit_code == 0
    assert runner.invoke(cli, ["--db", db, "extract"]).exit_code == 0
    monkeypatch.setenv(skill_model.SETTING, "on")
    assert runner.invoke(cli, ["--db", db, "extract"]).exit_code == 0
    taxonomy = load_taxonomy()
    store = Store(db)
    try:
        hybrid = {s["id"] for r in store.extractions(versions.extraction_key(taxonomy)) for s in r["skills"]}
        monkeypatch.delenv(skill_model.SETTING)
        rules = {s["id"] for r in store.extractions(versions.extraction_key(taxonomy)) for s in r["skills"]}
    finally:
        store.close()
    assert "swift" in hybrid and "swift" not in rules  # the hybrid's own result, not the rules' carried over


def test_a_missing_or_corrupt_model_is_a_clear_error(monkeypatch, tmp_path, taxonomy):
    monkeypatch.setattr(skill_model, "MODEL_DIR", tmp_path / "nowhere")
    with pytest.raises(SkillModelError, match=r"nowhere: the skill model is missing.*JOBMATCH_SKILL_MODEL=off"):
        SkillExtractor(taxonomy, model=True)
    monkeypatch.setenv(skill_model.SETTING, "on")
    with pytest.raises(SkillModelError):
        versions.extraction_key(taxonomy)
    monkeypatch.delenv(skill_model.SETTING)
    assert SkillExtractor(taxonomy).hybrid is None  # the default extraction needs no model at all
    broken = tmp_path / "broken"
    shutil.copytree(MODEL_DIR, broken)
    (broken / "tok2vec" / "model").write_bytes(b"\x00garbage")
    with pytest.raises(SkillModelError, match=r"broken: the skill model cannot be loaded"):
        SkillModel.load(broken)
    (broken / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SkillModelError, match="cannot be read"):
        SkillModel.load(broken)


def test_the_cli_names_a_broken_model_in_one_line(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from jobmatch.cli.main import cli

    monkeypatch.setattr(skill_model, "MODEL_DIR", tmp_path / "gone")
    monkeypatch.setenv(skill_model.SETTING, "on")
    posting = tmp_path / "p.txt"
    posting.write_text("Requirements: Python", encoding="utf-8")
    result = CliRunner().invoke(cli, ["skills", str(posting)])
    assert result.exit_code == 1
    assert "gone: the skill model is missing" in result.output and "Traceback" not in result.output


def test_the_training_config_is_pinned():
    args = train_skill_model.parse_args([])
    assert args.config == train_skill_model.CONFIG and args.seed is None and args.limit == 0
    config = train_skill_model.load_config(args.config)
    assert config["system"]["seed"] == 0 and config["training"]["max_epochs"] == 8
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner"]
    embed = config["components"]["tok2vec"]["model"]["embed"]
    assert embed["include_static_vectors"] is False and "TAG" in embed["attrs"]
    assert config["paths"]["vectors"] is None and config["paths"]["init_tok2vec"] is None
    overridden = train_skill_model.load_config(args.config, ["components.tok2vec.model.encode.width=32"])
    assert overridden["components"]["tok2vec"]["model"]["encode"]["width"] == 32


def test_the_training_script_runs_on_a_tiny_slice(skillspan_dir, tmp_path, rules):
    output = tmp_path / "model"
    train_skill_model.main(["--data", str(skillspan_dir), "--output", str(output), "--limit", "2", "--epochs", "1"])
    meta = json.loads((output / "meta.json").read_text(encoding="utf-8"))
    assert meta["jobmatch"]["train_postings"] == 2 and meta["jobmatch"]["limit"] == 2
    assert (output / "LICENSE-SKILLSPAN").is_file() and (output / "CITATION-SKILLSPAN.bib").is_file()
    model = SkillModel.load(output)
    SkillExtractor(rules.taxonomy, model=model).extract(POSTING)  # loads and runs


def test_the_model_ships_as_package_data():
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]["jobmatch.taxonomy"]
    assert "models/skill_model/*" in data and "models/skill_model/*/*" in data
    assert "jobmatch.taxonomy.training" in config["tool"]["setuptools"]["packages"]
