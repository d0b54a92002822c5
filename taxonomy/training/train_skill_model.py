"""Train the skill model shipped in taxonomy/models/skill_model/ from SkillSpan train.

    python -m jobmatch.taxonomy.training.train_skill_model [--data ../shared/data/skillspan]
        [--output taxonomy/models/skill_model] [--config taxonomy/training/skill_model.cfg]
        [--seed 0] [--epochs N] [--dev]

Why here (``taxonomy/training/``) and not in ``benchmarks/``: the model is part of the extractor,
not a measurement of it. It must see a posting through exactly the tokens and the rule-match
features that ``taxonomy/skill_model.py`` gives it at run time, so it is built by the same code
(``make_nlp``, ``SkillExtractor``'s matchers, ``skill_model.rule_tags``, ``evaluation``'s reading of
SkillSpan), inside the package the import-linter contracts allow spaCy in. It ships with the
package (a few kilobytes) so anyone can rebuild the shipped model from the data; nothing runs it
at install or run time, and CI and the tests load the shipped model, never retrain it.

Data: SkillSpan (Zhang, Jensen, Sonniks, Plank, NAACL 2022, `zhang-etal-2022-skillspan`, MIT),
its train split only; its KNOWLEDGE layer gives the spans (SKILL spans, verb phrases, are left
out). The first line of each posting (the title, which SkillSpan leaves unannotated) is left out.
``--dev`` scores the model on the dev split after each epoch, for choosing settings; the test
split is never read (and is not in the shared data folder at all).

Reproducible: the configuration is pinned in ``skill_model.cfg`` (spaCy's CPU NER: CNN tok2vec,
no pretrained vectors, one extra embedded attribute), seeds are fixed (Python, NumPy, thinc and
the shuffling), threads are limited to one, and the output's ``meta.json`` records the data files'
SHA-256, the config's, the taxonomy version and the seed: three runs gave byte-identical weights.
About 2 minutes on two cores (93 s of CPU; 11 minutes of wall time on a machine loaded 6x over).
The licence and citation of the data are copied beside the model.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one thread: the same sums in the same order on every run

import argparse  # noqa: E402
import contextlib  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "skill_model.cfg"
DEFAULT_OUTPUT = HERE.parent / "models" / "skill_model"
DEFAULT_DATA = HERE.parents[2] / "shared" / "data" / "skillspan"
MODEL_NAME = "skill_model"
MODEL_VERSION = "1.0.0"  # bump with every model that ships: it is part of the extraction cache key
CITATION = """@inproceedings{zhang-etal-2022-skillspan,
    title = "{S}kill{S}pan: Hard and Soft Skill Extraction from {E}nglish Job Postings",
    author = "Zhang, Mike and Jensen, Kristian N{\\o}rgaard and Sonniks, Sif and Plank, Barbara",
    booktitle = "Proceedings of the 2022 Conference of the North American Chapter of the Association
                 for Computational Linguistics: Human Language Technologies",
    year = "2022",
    address = "Seattle, United States",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/2022.naacl-main.366",
    pages = "4962--4984",
}
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SkillSpan folder (train.json, dev.json)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the pipeline is written")
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--seed", type=int, default=None, help="default: the config's [system] seed")
    parser.add_argument("--epochs", type=int, default=None, help="default: the config's [training] max_epochs")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N postings only (for tests)")
    parser.add_argument("--dev", action="store_true", help="score on the dev split after each epoch")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="override a config value (for trying settings on dev)")
    return parser.parse_args(argv)


def load_config(path: Path, overrides: list[str] | None = None):
    from spacy import util

    values = {}
    for item in overrides or []:
        key, _, value = item.partition("=")
        values[key] = json.loads(value) if value[:1] in "[{\"0123456789-tf" and value not in ("tf",) else value
    return util.load_config(path, overrides=values, interpolate=False)


def build_examples(nlp, extractor, postings) -> list[Any]:
    """One Example per sentence (line) after the title: the predicted Doc carries the rule tags,
    the reference the gold KNOWLEDGE spans."""
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import filter_spans

    from jobmatch.taxonomy.requirements import PostingLayout
    from jobmatch.taxonomy.skill_model import LABEL, rule_tags

    categories = {skill.id: skill.category for skill in extractor.taxonomy.skills.values()}
    examples = []
    for posting in postings:
        doc = extractor.nlp.make_doc(posting.text)
        tags = rule_tags(doc, extractor._skill_spans(doc, PostingLayout(posting.text)), categories)
        words, spaces = [t.text for t in doc], [bool(t.whitespace_) for t in doc]
        predicted = Doc(nlp.vocab, words=words, spaces=spaces, tags=tags)
        reference = Doc(nlp.vocab, words=words, spaces=spaces)
        gold = [reference.char_span(s, e, label=LABEL, alignment_mode="expand") for s, e in posting.knowledge]
        reference.ents = filter_spans([span for span in gold if span is not None])
        start = 0
        for token in doc:
            if "\n" in token.text or token.i == len(doc) - 1:
                end = token.i + 1
                if start > 0 or posting.title_end == 0:  # the title line is unannotated: left out
                    examples.append(Example(predicted[start:end].as_doc(), reference[start:end].as_doc()))
                start = end
    return examples


def train(args: argparse.Namespace) -> dict[str, Any]:
    import spacy
    from spacy.util import fix_random_seed

    from jobmatch.taxonomy.evaluation import read_skillspan
    from jobmatch.taxonomy.extraction import SkillExtractor, make_nlp
    from jobmatch.taxonomy.loading import load_taxonomy

    started = time.perf_counter()
    config = load_config(args.config, args.set)
    seed = config["system"]["seed"] if args.seed is None else args.seed
    epochs = config["training"]["max_epochs"] if args.epochs is None else args.epochs
    fix_random_seed(seed)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.tokenizer = make_nlp().tokenizer  # the extractor's tokenizer, saved with the pipeline
    taxonomy = load_taxonomy()
    extractor = SkillExtractor(taxonomy, model=False)
    postings = read_skillspan(str(args.data), "train")
    if args.limit:
        postings = postings[:args.limit]
    examples = build_examples(nlp, extractor, postings)
    nlp.initialize(lambda: examples, sgd=None)
    training = config["training"]
    optimizer = spacy.util.registry.resolve({"o": training["optimizer"]})["o"]
    dropout = float(training["dropout"])
    size = int(training["batcher"]["size"])
    dev = read_skillspan(str(args.data), "dev") if args.dev else None
    shuffle = random.Random(seed)
    history = []
    for epoch in range(1, epochs + 1):
        shuffle.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in _batches(examples, size):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        entry = {"epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 1),
                 "seconds": round(time.perf_counter() - started, 1)}
        if dev is not None:
            with _averaged(nlp, optimizer):
                entry["dev"] = dev_scores(nlp, taxonomy, dev)
        history.append(entry)
        print(json.dumps(entry), file=sys.stderr, flush=True)
    save(nlp, optimizer, args, config, seed, epochs, taxonomy, postings, time.perf_counter() - started)
    return {"history": history, "seconds": round(time.perf_counter() - started, 1)}


def _batches(examples, size):
    """Batches of about ``size`` words, in the shuffled order."""
    batch, words = [], 0
    for example in examples:
        batch.append(example)
        words += len(example.predicted)
        if words >= size:
            yield batch
            batch, words = [], 0
    if batch:
        yield batch


def _averaged(nlp, optimizer):
    """The parameters' moving averages (``use_averages`` in the config) while scoring and saving."""
    return nlp.use_params(optimizer.averages) if optimizer.averages else contextlib.nullcontext()


def dev_scores(nlp, taxonomy, dev) -> dict[str, Any]:
    """Strict KNOWLEDGE F1, skill precision and item recall on dev: model alone and hybrid."""
    from jobmatch.taxonomy.evaluation import score
    from jobmatch.taxonomy.extraction import SkillExtractor
    from jobmatch.taxonomy.skill_model import SkillModel

    hybrid = SkillExtractor(taxonomy, model=SkillModel(nlp, "in-training"))
    result = {"model": score(ModelOnly(hybrid), dev), "hybrid": score(hybrid, dev)}
    keep = ("strict_knowledge_f1", "strict_knowledge_precision", "strict_knowledge_recall", "skill_precision",
            "knowledge_item_recall")
    return {mode: {src: {k: v for k, v in s.items() if k in keep} for src, s in scores.items()}
            for mode, scores in result.items()}


class ModelOnly:
    """Scores the model's own spans (linked or not) through ``evaluation.score``: every span a
    separate reported item, as an extractor that reported each span would."""

    def __init__(self, hybrid):
        self.hybrid = hybrid

    def extract_many(self, items):
        from jobmatch.taxonomy.extraction import Extraction, FoundSkill, _clean_input
        from jobmatch.taxonomy.requirements import PostingLayout
        from jobmatch.taxonomy.skill_model import rule_tags, set_rule_tags

        extractor = self.hybrid
        for text, _, _ in items:
            text = _clean_input(text)
            doc = extractor.nlp.make_doc(text)
            spans = extractor._skill_spans(doc, PostingLayout(text))
            set_rule_tags(doc, rule_tags(doc, spans, extractor.hybrid.categories))
            found = [FoundSkill(f"span{i}", spans=[s]) for i, s in enumerate(extractor.hybrid.model.spans(doc))]
            yield Extraction(skills=found)


def save(nlp, optimizer, args, config, seed, epochs, taxonomy, postings, seconds) -> None:
    output: Path = args.output
    tmp = output.with_name(output.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.meta.update({
        "name": MODEL_NAME, "version": MODEL_VERSION, "lang": "en",
        "description": "KNOWLEDGE spans of job postings: a blank-English CNN tok2vec + NER trained on SkillSpan "
                       "train (Zhang et al., NAACL 2022), with the jobmatch rules' matches as a TAG feature",
        "license": "MIT (model: jobmatch; training data: SkillSpan, MIT, see LICENSE-SKILLSPAN)",
        "sources": [{"name": "SkillSpan", "url": "https://github.com/kris927b/SkillSpan",
                     "license": "MIT", "citation": "zhang-etal-2022-skillspan"}],
        "jobmatch": {"seed": seed, "epochs": epochs, "train_postings": len(postings),
                     "taxonomy_version": taxonomy.version, "train_seconds": round(seconds, 1),
                     "config_sha256": _sha256(args.config),
                     "data_sha256": {name: _sha256(args.data / name) for name in ("train.json",)},
                     "limit": args.limit},
    })
    with _averaged(nlp, optimizer):
        nlp.to_disk(tmp)
    licence = args.data / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, tmp / "LICENSE-SKILLSPAN")
    (tmp / "CITATION-SKILLSPAN.bib").write_text(CITATION, encoding="utf-8")
    (tmp / "README.md").write_text(_readme(nlp.meta), encoding="utf-8")
    if output.exists():
        shutil.rmtree(output)
    tmp.rename(output)


def _readme(meta: dict[str, Any]) -> str:
    info = meta["jobmatch"]
    return f"""# jobmatch skill model {meta['version']}

{meta['description']}.

Built by `python -m jobmatch.taxonomy.training.train_skill_model` (taxonomy/training/) from the
pinned `taxonomy/training/skill_model.cfg` (sha256 {info['config_sha256'][:16]}...), seed {info['seed']},
{info['epochs']} epochs over {info['train_postings']} SkillSpan train postings, taxonomy {info['taxonomy_version']}.
Loaded offline by `taxonomy/skill_model.py`; never trained at run time.

Training data: SkillSpan (Mike Zhang, Kristian Nørgaard Jensen, Sif Dam Sonniks, Barbara Plank:
"SkillSpan: Hard and Soft Skill Extraction from English Job Postings", NAACL 2022,
`zhang-etal-2022-skillspan`, https://aclanthology.org/2022.naacl-main.366), MIT licence: see
`LICENSE-SKILLSPAN` and `CITATION-SKILLSPAN.bib` here.
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not (args.data / "train.json").is_file():
        raise SystemExit(f"no SkillSpan train.json in {args.data} (pass --data)")
    result = train(args)
    print(f"trained in {result['seconds']} s; written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
