"""Crawl speed: a bare spider that only parses vs the full crawl into the store, on one local server.

    python benchmarks/crawl_benchmark.py [--boards 200] [--jobs 50] [--repeat 1]

A local server (127.0.0.1) serves N Greenhouse boards of M ML postings each (entity-escaped HTML
content, as the real API sends). Then, each in its own process (Twisted's reactor runs once per
process), and timed inside that process around the crawl itself:

  (a) bare: the same spiders and parsers, relevance filter included, no item pipeline;
  (b) full: ``run_crawl`` as ``jobmatch crawl`` runs it: lock, run record, batched store writes,
      closing, health.

Politeness delays are off (the server is local); everything else is the shipped settings. Prints
postings per second for both and the ratio full / bare (target >= 0.8).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER = HERE.parent / "tests" / "fixtures" / "boards" / "board_server.py"
BENCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "ERROR",
}


def _load_server():
    spec = importlib.util.spec_from_file_location("board_server", SERVER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["board_server"] = module
    spec.loader.exec_module(module)
    return module


def _sources(url: str, boards: int):
    from jobmatch.crawler.sources import parse_sources

    return parse_sources({"sources": [{"type": "greenhouse", "board": f"b{i}", "base_url": url} for i in range(boards)]})


def child(mode: str, url: str, boards: int, db: str) -> None:
    """Run one crawl in this process and print {"postings", "seconds"} as JSON.

    Both modes import the same modules before the clock starts and build their CrawlerProcess
    inside the timed part, so the difference is what the full crawl adds.
    """
    from jobmatch.crawler.runner import parse_only, run_crawl
    from jobmatch.crawler.spiders import spider_class

    config = _sources(url, boards)
    spider_class("greenhouse")
    if mode == "full":
        started = time.perf_counter()
        result = run_crawl(config, db, Path(db + ".crawl-lock"), BENCH_SETTINGS)
        seconds = time.perf_counter() - started
        stored = result.health.totals["new"] + result.health.totals["updated"] + result.health.totals["unchanged"]
        print(json.dumps({"postings": stored, "seconds": seconds, "failed": result.health.totals["failed"]}))
        return
    started = time.perf_counter()
    postings = parse_only(config, BENCH_SETTINGS)
    seconds = time.perf_counter() - started
    print(json.dumps({"postings": postings, "seconds": seconds, "failed": 0}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boards", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best is reported")
    parser.add_argument("--batch-size", type=int, default=500, help="JOBMATCH_BATCH_SIZE of the full crawl")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "URL", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        BENCH_SETTINGS["JOBMATCH_BATCH_SIZE"] = args.batch_size
        child(args.child[0], args.child[1], args.boards, args.child[2])
        return
    server_module = _load_server()
    best: dict[str, dict] = {}
    with server_module.BoardServer(server_module.generated_routes(args.boards, args.jobs)) as server, \
            tempfile.TemporaryDirectory() as folder:
        for attempt in range(args.repeat):
            for mode in ("bare", "full"):
                db = str(Path(folder) / f"bench-{attempt}.db")  # a fresh store: every posting is new
                output = subprocess.run(
                    [sys.executable, __file__, "--boards", str(args.boards), "--batch-size", str(args.batch_size),
                     "--child", mode, server.url, db],
                    capture_output=True, text=True, check=True).stdout
                result = json.loads(output.strip().splitlines()[-1])
                rate = result["postings"] / result["seconds"]
                print(f"{mode:5} run {attempt + 1}: {result['postings']} postings in {result['seconds']:.2f} s "
                      f"= {rate:,.0f} postings/s", file=sys.stderr)
                if mode not in best or rate > best[mode]["rate"]:
                    best[mode] = {**result, "rate": rate}
    bare, full = best["bare"]["rate"], best["full"]["rate"]
    print(f"boards x jobs: {args.boards} x {args.jobs}, batch size {args.batch_size}")
    print(f"bare spider (parse only): {bare:,.0f} postings/s")
    print(f"full crawl into store:    {full:,.0f} postings/s")
    print(f"ratio full / bare:        {full / bare:.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
