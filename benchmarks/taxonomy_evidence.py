"""How much real text backs each taxonomy skill: the postings in ashby-2025 and SkillSpan that name it.

    python benchmarks/taxonomy_evidence.py [--data ../shared/data] [--guide FILE] [--min 2]
                                           [--format table|json|csv] [--only-low] [--check]
    python benchmarks/taxonomy_evidence.py --count "survival analysis" "Caffe" ...

For every skill it counts the postings (not the mentions) whose text contains one of the skill's names:
the ashby-2025 dump (``ashby-2025/postings.jsonl.gz``, field ``description``) and SkillSpan's train and
dev postings (``skillspan/postings_train_dev.jsonl``), and whether the guide names it. Then it lists the
``market`` skills (those the guide does not name) with fewer than ``--min`` postings: every market entry
should be asked for by real text. ``--check`` exits 1 when there are any. ``--count`` reports the same
numbers for candidate names, to see whether a new entry has evidence before adding it.

Counting is plain word matching, not the extractor: text and names are lower-cased and cut into
alphanumeric words (``c++``, ``c#`` kept whole), a word's plural ``s`` is dropped on both sides, and a
name counts where its words appear in a row. Ambiguous names (R, Go, Spark, ...) are counted apart, by
exact case, in ``*_ctx``: that ignores the extractor's context rule, so it is an upper bound.

The data is read only when this runs, from the shared data folder beside the repository (or ``--data``);
nothing from it is stored. When it is absent, the script says so and exits 2.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from jobmatch.taxonomy.loading import load_taxonomy
from jobmatch.taxonomy.model import Taxonomy

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_DATA = SHARED / "data"
DEFAULT_GUIDE = SHARED / "guide" / "how-to-become-a-machine-learning-engineer.txt"
_WORD = re.compile(r"[a-z0-9]+[+#]*")
_CASED_WORD = re.compile(r"[A-Za-z0-9]+[+#]*")


def words(text: str, *, cased: bool = False) -> list[str]:
    """Alphanumeric words, plural 's' dropped ('pipelines' -> 'pipeline'; 'aws', 'class' kept)."""
    found = _CASED_WORD.findall(text) if cased else _WORD.findall(text.lower().replace("’", "'"))
    return [w[:-1] if len(w) > 3 and w[-1] in "sS" and w[-2] not in "sS'" else w for w in found]


class NameIndex:
    """Names (as word tuples) indexed by their first word, so one pass over a text finds them all."""

    def __init__(self, cased: bool = False):
        self.cased = cased
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, name: str, key: str) -> None:
        cased = self.cased and name != name.lower()
        parts = tuple(words(name, cased=cased))
        if parts:
            self._by_first.setdefault(parts[0], []).append((parts, key))

    def keys_in(self, text_words: list[str], lower_words: list[str] | None = None) -> set[str]:
        found: set[str] = set()
        sequences = [text_words] if lower_words is None else [text_words, lower_words]
        for sequence in sequences:
            for i, word in enumerate(sequence):
                for parts, key in self._by_first.get(word, ()):
                    if tuple(sequence[i:i + len(parts)]) == parts:
                        found.add(key)
        return found

    def __bool__(self) -> bool:
        return bool(self._by_first)


@dataclass
class Evidence:
    id: str
    label: str
    category: str
    origin: str
    learnable: bool
    ashby: int = 0
    skillspan: int = 0
    ashby_ctx: int = 0
    skillspan_ctx: int = 0
    guide: bool = False

    @property
    def postings(self) -> int:
        return self.ashby + self.skillspan

    @property
    def upper_bound(self) -> int:
        return max(self.postings, self.ashby + self.ashby_ctx + self.skillspan + self.skillspan_ctx)


def detokenise(sentence: str) -> str:
    """SkillSpan text is space-tokenised ("Python , SQL ( Postgres )"): put the punctuation back."""
    sentence = re.sub(r" ([.,;:!?)\]])", r"\1", sentence)
    return re.sub(r"([(\[]) ", r"\1", sentence)


def read_sources(data: Path) -> dict[str, list[str]]:
    """The posting texts of each source found under ``data``; a missing source is left out (and said)."""
    sources: dict[str, list[str]] = {}
    ashby = data / "ashby-2025" / "postings.jsonl.gz"
    if ashby.is_file():
        with gzip.open(ashby, "rt", encoding="utf-8") as handle:
            sources["ashby"] = [json.loads(line).get("description") or "" for line in handle if line.strip()]
    else:
        print(f"note: {ashby} not found; ashby-2025 counts are left out", file=sys.stderr)
    skillspan = data / "skillspan" / "postings_train_dev.jsonl"
    if skillspan.is_file():
        with skillspan.open(encoding="utf-8") as handle:
            sources["skillspan"] = ["\n".join(detokenise(s) for s in json.loads(line)["sentences"])
                                    for line in handle if line.strip()]
    else:
        print(f"note: {skillspan} not found; SkillSpan counts are left out", file=sys.stderr)
    return sources


def count(names: dict[str, tuple[Iterable[str], Iterable[str]]], sources: dict[str, list[str]],
          guide: str | None) -> dict[str, dict[str, int]]:
    """For each key: {source: postings naming it by a plain name, source_ctx: by an ambiguous name only,
    guide: 0/1}. ``names`` maps a key to its (plain names, ambiguous names)."""
    plain, context = NameIndex(), NameIndex(cased=True)
    for key, (plain_names, context_names) in names.items():
        for name in plain_names:
            plain.add(name, key)
        for name in context_names:
            context.add(name, key)
    counts = {key: {"guide": 0, **{s: 0 for s in sources}, **{f"{s}_ctx": 0 for s in sources}} for key in names}
    for source, texts in sources.items():
        for text in texts:
            text = text[:200_000]
            found = plain.keys_in(words(text))
            for key in found:
                counts[key][source] += 1
            if context:
                for key in context.keys_in(words(text, cased=True), words(text)) - found:
                    counts[key][f"{source}_ctx"] += 1
    if guide:
        for key in plain.keys_in(words(guide)) | context.keys_in(words(guide, cased=True), words(guide)):
            counts[key]["guide"] = 1
    return counts


def skill_evidence(taxonomy: Taxonomy, sources: dict[str, list[str]], guide: str | None) -> list[Evidence]:
    names = {s.id: (s.plain_names, s.context_names) for s in taxonomy.skills.values()}
    counts = count(names, sources, guide)
    rows = []
    for skill in sorted(taxonomy.skills.values(), key=lambda s: (s.category, s.id)):
        c = counts[skill.id]
        rows.append(Evidence(skill.id, skill.label, skill.category, skill.origin, taxonomy.is_learnable(skill.id),
                             c.get("ashby", 0), c.get("skillspan", 0), c.get("ashby_ctx", 0),
                             c.get("skillspan_ctx", 0), bool(c["guide"])))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with ashby-2025/ and skillspan/")
    parser.add_argument("--guide", type=Path, default=DEFAULT_GUIDE)
    parser.add_argument("--min", type=int, default=2, help="postings a market skill needs (default 2)")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    parser.add_argument("--only-low", action="store_true", help="print only the market skills below --min")
    parser.add_argument("--check", action="store_true", help="exit 1 when a market skill is below --min")
    parser.add_argument("--count", nargs="+", metavar="NAME", help="count these candidate names instead")
    args = parser.parse_args(argv)

    sources = read_sources(args.data)
    guide = args.guide.read_text(encoding="utf-8") if args.guide.is_file() else None
    if not sources:
        print(f"error: no evidence data under {args.data} (expected ashby-2025/postings.jsonl.gz and "
              "skillspan/postings_train_dev.jsonl; they live in the shared data folder beside the repository, "
              "or pass --data)", file=sys.stderr)
        return 2
    if guide is None:
        print(f"note: the guide {args.guide} not found; the guide column is left empty", file=sys.stderr)
    sizes = ", ".join(f"{name} {len(texts):,} postings" for name, texts in sources.items())
    taxonomy = load_taxonomy()

    if args.count:
        counts = count({name: ([name], []) for name in args.count}, sources, guide)
        for name in args.count:
            c = counts[name]
            owner = taxonomy.resolve(name)
            print(f"{c.get('ashby', 0):6d} ashby {c.get('skillspan', 0):4d} skillspan {c['guide']:2d} guide  "
                  f"{name}" + (f"   (already: {owner})" if owner else ""))
        return 0

    rows = skill_evidence(taxonomy, sources, guide)
    low = [r for r in rows if r.origin == "market" and r.upper_bound < args.min]
    shown = low if args.only_low else rows
    if args.format == "json":
        json.dump({"sources": {k: len(v) for k, v in sources.items()}, "min": args.min,
                   "skills": [asdict(r) | {"postings": r.postings} for r in shown],
                   "low_evidence": [r.id for r in low]}, sys.stdout, indent=1)
        print()
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=[*asdict(rows[0]), "postings"])
        writer.writeheader()
        for row in shown:
            writer.writerow(asdict(row) | {"postings": row.postings})
    else:
        print(f"{'ashby':>6} {'+ctx':>5} {'sksp':>5} {'+ctx':>5} guide  {'skill':<34} category / origin")
        for r in shown:
            print(f"{r.ashby:6d} {r.ashby_ctx:5d} {r.skillspan:5d} {r.skillspan_ctx:5d} {'yes' if r.guide else '':>5}"
                  f"  {r.id:<34} {r.category} / {r.origin}")
        backed = sum(r.upper_bound >= args.min or r.guide for r in rows)
        print(f"\n{len(rows)} skills over {sizes}; {backed} named in at least {args.min} postings or by the "
              f"guide; {sum(r.guide for r in rows)} named by the guide.")
        if low:
            print(f"{len(low)} market skill(s) with fewer than {args.min} postings: "
                  + ", ".join(f"{r.id} ({r.upper_bound})" for r in low))
        else:
            print(f"Every market skill is named in at least {args.min} postings.")
    return 1 if args.check and low else 0


if __name__ == "__main__":
    sys.exit(main())
