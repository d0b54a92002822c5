"""The trained skill model: a small spaCy span finder beside the rules, linked to the taxonomy.

A blank-English pipeline (CNN tok2vec + NER, no pretrained vectors) trained on SkillSpan's
KNOWLEDGE spans (Zhang et al., NAACL 2022, `zhang-etal-2022-skillspan`, MIT; the licence and the
citation ship beside the model in ``models/skill_model/``) by ``taxonomy/training/train_skill_model.py``.
It reads the posting through the same tokens the rules do, plus one feature the rules give it: each
token inside a rule match carries the matched skill's category as its TAG, so the model learns
which of the rules' matches SkillSpan's annotators call knowledge, and finds the ones no list
holds.

How its spans join the rules' (``HybridSkills.merge``):

- a model span around exactly one rule match becomes that match's evidence ("Agile methodologies"
  for agile): the same skill, with the bounds SkillSpan's annotators draw;
- a model span over no rule match that resolves to a taxonomy skill (``taxonomy.resolve``: name,
  alias or id, any case, singular or plural) becomes that skill;
- a model span that holds an ambiguous name the rules left out for want of context ("Go",
  "Spark", "R" in a span the model calls a skill) makes that name count: the model is the context;
- a span the taxonomy cannot name is an *unlisted* term (``Extraction.unlisted``), fed to
  ``jobmatch taxonomy suggest`` (unknown-skill discovery), never a skill;
- the rules' matches all stay: the model never removes one (vetoing unconfirmed matches of some
  categories bought judged-dev precision +0.005 to +0.02 for recall -0.01 to -0.03: not kept).

Everything the rules do around a skill (levels, negation, the employer's voice, years, "any of"
groups, education) then runs on the merged spans, so a model span is read like a rule match.
Linking by character n-gram similarity to the names was tried (TF-IDF cosine 0.85-0.95) and left
out: no change on the judged dev half, +0.004 item recall on SkillSpan dev, and wrong links in the
samples read ("governance" -> AI regulation, "ML workflows" -> LLM apps).

The setting ``JOBMATCH_SKILL_MODEL``: unset, extraction is the rules only (the model costs 3-4x the
rules' CPU time and changed nothing on the judged real postings) and ``taxonomy suggest`` reads the
model's unlisted spans; ``on`` runs the model in every extraction (``skills``, ``extract``, ``rank``,
``evaluate``); ``off`` never loads it. The model is package data and loads offline; it is never
trained at run time. Its version (``meta.json``) is part of the extraction cache key when it runs
(``versions.extraction_key``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobmatch.taxonomy.errors import TaxonomyError
from jobmatch.taxonomy.model import normalize_name

if TYPE_CHECKING:  # the extractor passes itself in; importing it here would be circular
    import spacy
    from spacy.tokens import Doc

    from jobmatch.taxonomy.extraction import SkillExtractor
    from jobmatch.taxonomy.requirements import PostingLayout

MODEL_DIR = Path(__file__).parent / "models" / "skill_model"
LABEL = "KNOWLEDGE"
# JOBMATCH_SKILL_MODEL: "on" runs the model beside the rules in every extraction; unset (the default),
# extraction is the rules only and the model is read for unknown-skill discovery (`taxonomy suggest`);
# "off": the model is never loaded.
SETTING = "JOBMATCH_SKILL_MODEL"
_ON = {"on", "1", "yes", "true", "hybrid", "model"}
_OFF = {"off", "0", "no", "false", "fast", "rules", "none"}
_DEFAULT = {"", "default", "discovery", "auto"}
NO_RULE = "O"  # the TAG of a token outside every rule match
_EDGE_JUNK = " \t\n.,;:!?()[]{}\"'*•-–/"


class SkillModelError(TaxonomyError):
    """The shipped skill model is missing or unreadable: names the folder, suggests rules only."""

    def __init__(self, path: Path, problem: str):
        super().__init__(str(path), f"the skill model {problem}; reinstall jobmatch, or do without the model: "
                                    f"{SETTING}=off (rules only)")


def setting() -> str:
    """The setting: on, off or discovery (the default), from ``JOBMATCH_SKILL_MODEL``."""
    value = os.environ.get(SETTING, "").strip().lower()
    if value in _ON:
        return "on"
    if value in _OFF:
        return "off"
    if value in _DEFAULT:
        return "discovery"
    raise TaxonomyError(SETTING, f"must be on, off or unset, not {value!r}")


def model_enabled() -> bool:
    """Whether extraction runs the model beside the rules (``JOBMATCH_SKILL_MODEL=on``)."""
    return setting() == "on"


def discovery_enabled() -> bool:
    """Whether ``taxonomy suggest`` reads the model's unlisted spans (unless ``JOBMATCH_SKILL_MODEL=off``)."""
    return setting() != "off"


def model_version(path: Path | None = None) -> str:
    """The shipped model's version from its ``meta.json`` (no spaCy import): ``name-version``."""
    meta = _read_meta(path or MODEL_DIR)
    return f"{meta.get('name', 'skill_model')}-{meta.get('version', '0')}"


def _read_meta(path: Path) -> dict[str, Any]:
    meta_path = path / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SkillModelError(path, "is missing (no meta.json)") from None
    except (OSError, ValueError) as error:
        raise SkillModelError(path, f"cannot be read ({error.__class__.__name__}: {error})") from None
    if not isinstance(meta, dict):
        raise SkillModelError(path, "has a malformed meta.json")
    return meta


def rule_tags(doc: Doc, spans: list[tuple[str, int, int]], categories: dict[str, str]) -> list[str]:
    """The TAG feature of each token: the category of the rule match it lies in ("B-" at the first
    token, "I-" after), else "O". The same function makes the training data and the run-time input."""
    tags = [NO_RULE] * len(doc)
    for skill_id, start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        category = categories.get(skill_id, "skill")
        for i in range(span.start, span.end):
            tags[i] = ("B-" if i == span.start else "I-") + category
    return tags


def set_rule_tags(doc: Doc, tags: list[str]) -> None:
    for token, tag in zip(doc, tags, strict=True):
        token.tag_ = tag


class SkillModel:
    """The trained pipeline's tok2vec and NER, run on a Doc the extractor has already tokenised."""

    def __init__(self, nlp: spacy.language.Language, version: str):
        self.nlp = nlp
        self.version = version
        self.pipes = [pipe for _, pipe in nlp.pipeline]

    @classmethod
    def load(cls, path: Path | None = None) -> SkillModel:
        import spacy

        path = path or MODEL_DIR
        meta = _read_meta(path)
        if meta.get("labels", {}).get("ner") not in ([LABEL], None):
            raise SkillModelError(path, f"predicts {meta['labels']['ner']}, not {LABEL}")
        try:
            nlp = spacy.load(path)
        except Exception as error:  # a corrupt install: any of spaCy's loaders may raise
            raise SkillModelError(path, f"cannot be loaded ({error.__class__.__name__}: {str(error)[:200]})") from None
        return cls(nlp, model_version(path))

    def spans(self, doc: Doc) -> list[tuple[int, int]]:
        """The model's KNOWLEDGE spans as character offsets; ``doc`` carries the rule tags."""
        if not len(doc):
            return []
        for pipe in self.pipes:
            doc = pipe(doc)
        return [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == LABEL]


@dataclass(frozen=True)
class Unlisted:
    """A span the model calls a skill and the taxonomy cannot name."""

    text: str
    start: int
    end: int


class HybridSkills:
    """Runs the model on the extractor's Doc and merges its spans with the rules' matches."""

    def __init__(self, extractor: SkillExtractor, model: SkillModel):
        self.extractor = extractor
        self.model = model
        taxonomy = extractor.taxonomy
        self.categories = {skill.id: skill.category for skill in taxonomy.skills.values()}
        self._plain = {skill.id: {normalize_name(name) for name in (*skill.plain_names, skill.id)}
                       for skill in taxonomy.skills.values()}
        extractor.nlp.vocab.strings.add(LABEL)

    def link(self, text: str) -> str | None:
        """The skill a span's text names (``taxonomy.resolve``: its name, an alias or its id, any case;
        also singular or plural), else None. An ambiguous name ("Go", "R") links only in the case the
        rules require of it."""
        surface = text.strip(_EDGE_JUNK)
        key = normalize_name(surface)
        if not key:
            return None
        for candidate in (key, _singular(key), key + "s"):
            skill_id = self.extractor.taxonomy.resolve(candidate)
            if skill_id is None:
                continue
            if candidate in self._plain[skill_id] or surface in self.extractor._context_forms:
                return skill_id
        return None

    def merge(self, doc: Doc, spans: list[tuple[str, int, int]], layout: PostingLayout | None = None
              ) -> tuple[list[tuple[str, int, int]], list[Unlisted]]:
        """The rules' ``spans`` (skill id, start, end) joined by the model's, and the model's spans
        the taxonomy cannot name. A model span around exactly one rule match becomes that match's
        evidence ("Agile methodologies" for agile); one over no rule match is linked or unlisted.
        With the posting's ``layout``, spans in the sections that ask for nothing (about the employer,
        benefits, equal-opportunity notices, metadata fields) are dropped, as the rules' are: no
        "federal laws" or "FSA & HSA options" among the unlisted terms. (Not running the model on
        those parts at all, 28% of 2,000 real postings' text, saved no time: copying the parts out
        cost as much.)"""
        from jobmatch.taxonomy.extraction import _NAMES_A_TEAM
        from jobmatch.taxonomy.requirements import SKIP

        set_rule_tags(doc, rule_tags(doc, spans, self.categories))
        predicted = self.model.spans(doc)
        if not predicted:
            return spans, []
        text = doc.text
        rules = sorted(spans, key=lambda item: item[1])
        added: list[tuple[str, int, int]] = []
        unlisted: list[Unlisted] = []
        for start, end in predicted:
            start, end = _trim(text, start, end)
            if end <= start:
                continue
            if layout is not None:
                sentence = layout.sentence_at(start)
                if sentence is not None and sentence.level == SKIP:
                    continue
            inside = [i for i, (_, s, e) in enumerate(rules) if s < end and start < e]
            if inside:
                skill_id, s, e = rules[inside[0]]
                # Not past "team"/"engineers": the rules drop a match that names a group of people.
                if len(inside) == 1 and start <= s and e <= end and not _NAMES_A_TEAM.match(text, e):
                    rules[inside[0]] = (skill_id, start, end)
                continue
            skill_id = self.link(text[start:end])
            if skill_id is not None:
                added.append((skill_id, start, end))
                continue
            context = self._context_names_in(doc, start, end)
            if context:
                added.extend(context)
                continue
            start, end = _trim_words(text, start, end)
            if end > start and not (layout is not None and layout.about_employer(start)):
                # (the employer speaking of itself: "protected by applicable local, state or federal laws")
                unlisted.append(Unlisted(text[start:end], start, end))
        return sorted(rules + added, key=lambda item: item[1]), unlisted

    def _context_names_in(self, doc: Doc, start: int, end: int) -> list[tuple[str, int, int]]:
        """Ambiguous names ("Go", "Spark") in exact case inside a model span: the span is their context."""
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return []
        extractor = self.extractor
        found = []
        for match_id, m_start, m_end in extractor._context(span):
            words = span[m_start:m_end]
            if words.text in extractor._context_forms:
                found.append((extractor.nlp.vocab.strings[match_id], words.start_char, words.end_char))
        return found


def _singular(key: str) -> str:
    if key.endswith("ies") and len(key) > 4:
        return key[:-3] + "y"
    if key.endswith("es") and key[-3:-2] in ("s", "x", "h"):
        return key[:-2]
    if key.endswith("s") and not key.endswith(("ss", "us", "is")):
        return key[:-1]
    return key


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


_FUNCTION_WORDS = r"(?:and|or|of|in|with|for|to|the|a|an|on|at|by|as|etc|&|\+)"
_LEADING_WORDS = re.compile(rf"^(?:{_FUNCTION_WORDS}\s+)+", re.I)
_TRAILING_WORDS = re.compile(rf"(?:\s+{_FUNCTION_WORDS})+$", re.I)


def _trim_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the function words at its edges ("architectural principles of"); empty if only those."""
    chunk = text[start:end]
    if re.fullmatch(rf"{_FUNCTION_WORDS}", chunk, re.I):
        return start, start
    leading, trailing = _LEADING_WORDS.match(chunk), _TRAILING_WORDS.search(chunk)
    new_start = start + (leading.end() if leading else 0)
    new_end = start + (trailing.start() if trailing else len(chunk))
    return _trim(text, new_start, new_end) if new_end > new_start else (start, start)


_SHIPPED: dict[Path, SkillModel] = {}


def shipped_model(path: Path | None = None) -> SkillModel:
    """The packaged model, loaded once per process."""
    path = path or MODEL_DIR
    if path not in _SHIPPED:
        _SHIPPED[path] = SkillModel.load(path)
    return _SHIPPED[path]


def hybrid_for(extractor: SkillExtractor, model: Any = None) -> HybridSkills | None:
    """What ``SkillExtractor(taxonomy, model=...)`` runs beside the rules: None follows the setting
    (``model_enabled``), False is the rules only, True the shipped model, a ``SkillModel`` that model."""
    if model is None:
        model = model_enabled()
    if model is False:
        return None
    return HybridSkills(extractor, shipped_model() if model is True else model)
