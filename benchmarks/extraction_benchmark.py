"""Extraction speed against spaCy's bare tokenizer on the same postings, in one run.

    python benchmarks/extraction_benchmark.py [--repeat 5] [--data ../shared/data/skillspan]

Uses SkillSpan's postings when the folder is there, else the bundled sample. Prints characters
per second for the bare ``spacy.blank("en")`` tokenizer and for full extraction (tokenizer,
phrase matchers, context rules, requirement levels, years, education), and their ratio.
"""

from __future__ import annotations

import argparse
import json
import time
from importlib.resources import files
from pathlib import Path

import spacy

from jobmatch.taxonomy.extraction import SkillExtractor
from jobmatch.taxonomy.loading import load_taxonomy

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "skillspan"


def postings(data: Path) -> tuple[str, list[str]]:
    source = data / "postings_train_dev.jsonl"
    if source.is_file():
        texts = ["\n".join(json.loads(line)["sentences"]) for line in source.open(encoding="utf-8")]
        return f"SkillSpan train+dev ({source})", texts
    sample = files("jobmatch.crawler") / "data" / "sample_postings.jsonl"
    texts = [json.loads(line)["description"] for line in sample.read_text(encoding="utf-8").splitlines() if line]
    return "the bundled sample", texts


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    name, texts = postings(args.data)
    chars = sum(len(t) for t in texts)
    tokenizer = spacy.blank("en")
    extractor = SkillExtractor(load_taxonomy())
    list(extractor.extract_many((t, None, None) for t in texts[:5]))  # warm up

    bare = best_of(args.repeat, lambda: list(tokenizer.pipe(texts, batch_size=64)))
    full = best_of(args.repeat, lambda: list(extractor.extract_many((t, None, None) for t in texts)))
    print(f"postings: {len(texts)} from {name}, {chars:,} characters; best of {args.repeat} runs")
    print(f"bare spaCy tokenizer: {chars / bare / 1e6:7.2f} M chars/s  ({len(texts) / bare:8.0f} postings/s)")
    print(f"full extraction:      {chars / full / 1e6:7.2f} M chars/s  ({len(texts) / full:8.0f} postings/s)")
    print(f"ratio (extraction / tokenizer throughput): {bare / full:.2f}")


if __name__ == "__main__":
    main()
