"""The skill model measured: rules, model and hybrid on SkillSpan dev and on the judged real postings.

    python benchmarks/skill_model_eval.py [--data ../shared/data/skillspan] [--no-judged]

SkillSpan dev (Zhang et al., NAACL 2022, `zhang-etal-2022-skillspan`), per source (tech, house):
strict KNOWLEDGE span F1 (precision, recall), skill precision and knowledge-item recall, as
``jobmatch evaluate`` computes them (taxonomy/evaluation.py), for

- rules: the extractor without the model (``JOBMATCH_SKILL_MODEL`` unset or off);
- model: the model's own spans, each reported as found (linked to the taxonomy or not);
- hybrid: the extractor with the model (``JOBMATCH_SKILL_MODEL=on``): what ranking would see;
- hybrid+unlisted: the hybrid's skills plus its unlisted spans (what discovery sees; not skills).

Then the judged real ML postings (benchmarks/extraction_judged/evaluate.py) for rules and hybrid,
on the dev half and the held-out half. SKILL-layer F1 is not shown: the model predicts KNOWLEDGE
only, and the rules' strict SKILL F1 is near zero by design (skills are nouns, SKILL spans verb
phrases).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from jobmatch.taxonomy.evaluation import read_skillspan, score
from jobmatch.taxonomy.extraction import FoundSkill, SkillExtractor
from jobmatch.taxonomy.loading import load_taxonomy
from jobmatch.taxonomy.training.train_skill_model import ModelOnly

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data" / "skillspan"


class WithUnlisted:
    """The hybrid's skills and its unlisted spans, all scored as reported spans."""

    def __init__(self, extractor: SkillExtractor):
        self.extractor = extractor

    def extract_many(self, items):
        for result in self.extractor.extract_many(items):
            result.skills = result.skills + [FoundSkill(f"unlisted{i}", spans=[(u.start, u.end)])
                                             for i, u in enumerate(result.unlisted)]
            yield result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-judged", action="store_true", help="skip the judged real postings")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    dev = read_skillspan(str(args.data), "dev")
    rules = SkillExtractor(taxonomy, model=False)
    hybrid = SkillExtractor(taxonomy, model=True)
    rows = {"rules": score(rules, dev), "model": score(ModelOnly(hybrid), dev), "hybrid": score(hybrid, dev),
            "hybrid+unlisted": score(WithUnlisted(hybrid), dev)}
    print(f"SkillSpan dev; model {hybrid.hybrid.model.version}")
    print(f"{'source':<7}{'mode':<17}{'strict K F1':>12}{'(P':>7}{'R)':>6}{'skill P':>9}{'item R':>8}{'reported':>10}")
    for source in ("tech", "house"):
        for mode, scores in rows.items():
            s = scores[source]
            print(f"{source:<7}{mode:<17}{s['strict_knowledge_f1']:>12.3f}{s['strict_knowledge_precision']:>7.3f}"
                  f"{s['strict_knowledge_recall']:>6.3f}{s['skill_precision']:>9.3f}{s['knowledge_item_recall']:>8.3f}"
                  f"{s['skills_reported']:>10}")
    if args.no_judged:
        return
    script = HERE / "extraction_judged" / "evaluate.py"
    for mode, value in (("rules", "off"), ("hybrid", "on")):
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                env={**os.environ, "JOBMATCH_SKILL_MODEL": value})
        print(f"\njudged real postings, {mode}:")
        print((result.stdout or result.stderr).rstrip())


if __name__ == "__main__":
    main()
