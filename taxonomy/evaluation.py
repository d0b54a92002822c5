"""Scoring the extractor on SkillSpan-format data (Zhang et al., NAACL 2022, `zhang-etal-2022-skillspan`).

A posting's text is its sentences' tokens joined by one space, sentences joined by newlines; gold
spans come from the BIO layers as character offsets. Predictions on the first line (the title,
which SkillSpan leaves unannotated) are left out. Three measures, per source (tech, house):

- strict span precision/recall/F1 against the KNOWLEDGE layer; a prediction that exactly equals a
  gold SKILL span counts neither way;
- skill precision: the share of (posting, reported skill) pairs with an evidence span overlapping
  a gold span of either layer;
- knowledge-item recall: the share of (posting, distinct gold KNOWLEDGE string) pairs that some
  predicted span overlaps.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobmatch.taxonomy.errors import TaxonomyError
from jobmatch.taxonomy.extraction import SkillExtractor

Span = tuple[int, int]


@dataclass
class GoldPosting:
    source: str
    idx: int
    text: str
    title_end: int
    knowledge: list[Span] = field(default_factory=list)
    skill: list[Span] = field(default_factory=list)


def read_skillspan(folder: str, split: str) -> list[GoldPosting]:
    """Postings of one split from ``{split}.json`` (one sentence a line, BIO tags per token)."""
    path = Path(folder) / f"{split}.json"
    if not path.is_file():
        raise TaxonomyError(str(path), "no such file (expected SkillSpan's train.json/dev.json format)")
    sentences: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                key = (str(row["source"]), int(row["idx"]))
                if not (len(row["tokens"]) == len(row["tags_knowledge"]) == len(row["tags_skill"])):
                    raise ValueError("tokens and tags differ in length")
            except (ValueError, KeyError, TypeError) as error:
                raise TaxonomyError(str(path), f"line {number}: malformed sentence ({error})") from None
            sentences[key].append(row)
    return [_posting(source, idx, rows) for (source, idx), rows in sentences.items()]


def _posting(source: str, idx: int, rows: list[dict[str, Any]]) -> GoldPosting:
    lines: list[str] = []
    knowledge: list[Span] = []
    skill: list[Span] = []
    offset = 0
    for row in rows:
        starts = []
        position = offset
        for token in row["tokens"]:
            starts.append(position)
            position += len(token) + 1
        knowledge += _bio_spans(row["tokens"], row["tags_knowledge"], starts)
        skill += _bio_spans(row["tokens"], row["tags_skill"], starts)
        line = " ".join(row["tokens"])
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    return GoldPosting(source, idx, text, len(lines[0]) if lines else 0, knowledge, skill)


def _bio_spans(tokens: list[str], tags: list[str], starts: list[int]) -> list[Span]:
    spans, begin, end = [], None, None
    for token, tag, start in zip(tokens, tags, starts, strict=True):
        if tag == "B" or (tag == "I" and begin is None):
            if begin is not None:
                spans.append((begin, end))
            begin, end = start, start + len(token)
        elif tag == "I":
            end = start + len(token)
        else:
            if begin is not None:
                spans.append((begin, end))
            begin = None
    if begin is not None:
        spans.append((begin, end))
    return spans


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def score(extractor: SkillExtractor, postings: list[GoldPosting]) -> dict[str, dict[str, float]]:
    """The three measures per source, and the counts behind them."""
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    results = extractor.extract_many((p.text, None, None) for p in postings)
    for posting, result in zip(postings, results, strict=True):
        c = counts[posting.source]
        c["postings"] += 1
        gold_knowledge = set(posting.knowledge)
        gold_skill = set(posting.skill)
        gold_any = posting.knowledge + posting.skill
        predicted: list[Span] = []
        for found in result.skills:
            spans = [s for s in found.spans if s[0] > posting.title_end]
            if not spans:
                continue
            predicted += spans
            c["skills_reported"] += 1
            c["skills_supported"] += any(_overlaps(s, gold_any) for s in spans)
        for span in set(predicted):
            if span in gold_knowledge:
                c["tp"] += 1
            elif span not in gold_skill:
                c["fp"] += 1
        c["gold_knowledge"] += len(gold_knowledge)
        items: dict[str, list[Span]] = defaultdict(list)
        for start, end in posting.knowledge:
            items[posting.text[start:end].lower()].append((start, end))
        c["items"] += len(items)
        c["items_found"] += sum(any(_overlaps(s, predicted) for s in spans) for spans in items.values())
    return {source: _measures(c) for source, c in sorted(counts.items())}


def _measures(c: dict[str, float]) -> dict[str, float]:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    recall = c["tp"] / c["gold_knowledge"] if c["gold_knowledge"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "postings": int(c["postings"]),
        "strict_knowledge_precision": round(precision, 4),
        "strict_knowledge_recall": round(recall, 4),
        "strict_knowledge_f1": round(f1, 4),
        "skill_precision": round(c["skills_supported"] / c["skills_reported"], 4) if c["skills_reported"] else 0.0,
        "knowledge_item_recall": round(c["items_found"] / c["items"], 4) if c["items"] else 0.0,
        "skills_reported": int(c["skills_reported"]),
        "gold_knowledge_spans": int(c["gold_knowledge"]),
    }
