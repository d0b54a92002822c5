"""The SkillSpan scoring harness: on fixtures we wrote (exact numbers), then on the real dev
split when ../shared/data/skillspan is present (skipped where it is not)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.taxonomy.evaluation import read_skillspan, score
from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import build_taxonomy, load_taxonomy

FIXTURES = Path(__file__).parent / "fixtures"


def test_reading_bio_layers_into_character_spans():
    postings = {p.source: p for p in read_skillspan(str(FIXTURES / "skillspan"), "dev")}
    tech = postings["tech"]
    assert tech.text.split("\n")[0] == "Python Developer <ORGANIZATION>"
    assert [tech.text[s:e] for s, e in tech.knowledge] == ["Python", "Google Cloud Platform"]
    assert [tech.text[s:e] for s, e in tech.skill] == ["ship fast"]
    assert tech.title_end == len("Python Developer <ORGANIZATION>")


def test_scores_on_fixtures_are_exact():
    taxonomy = build_taxonomy([str(FIXTURES / "taxonomy" / "small.yaml")])
    overlay = FIXTURES / "skillspan" / "gcp.yaml"
    scores = score(SkillExtractor(build_taxonomy([str(FIXTURES / "taxonomy" / "small.yaml"), str(overlay)])),
                   read_skillspan(str(FIXTURES / "skillspan"), "dev"))
    assert taxonomy.skills  # the fixture taxonomy loads on its own too
    tech = scores["tech"]
    # Predicted outside the title: Python (gold), Google Cloud Platform (gold), Docker (no gold: wrong).
    assert tech["strict_knowledge_precision"] == round(2 / 3, 4)
    assert tech["strict_knowledge_recall"] == 1.0
    assert tech["skill_precision"] == round(2 / 3, 4)
    assert tech["knowledge_item_recall"] == 1.0
    house = scores["house"]
    assert house["knowledge_item_recall"] == 1.0 and house["strict_knowledge_f1"] == 1.0


def test_missing_split_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["evaluate", str(tmp_path), "--split", "dev"])
    assert result.exit_code == 1 and "dev.json: no such file" in result.stderr


def test_extraction_on_skillspan_dev_meets_its_targets(skillspan_dir):
    scores = score(SkillExtractor(load_taxonomy()), read_skillspan(str(skillspan_dir), "dev"))
    tech = scores["tech"]
    print(json.dumps(scores, indent=2))
    # The extraction issue's targets on dev tech postings (measured: 0.856 and 0.681), and strict
    # KNOWLEDGE F1 a step below what it measures (0.481; a dictionary of train's gold strings: 0.34).
    assert tech["skill_precision"] >= 0.85
    assert tech["knowledge_item_recall"] >= 0.65
    assert tech["strict_knowledge_f1"] >= 0.45
