"""How well `jobmatch profile from-resume` reads résumés, on the team's own set (benchmarks/resumes/):
12 invented people (data, ML and software; new graduate to staff; Markdown, text, DOCX written with
python-docx, PDFs printed from HTML by Chromium: one and two columns, tables, skills sections and
skills only in the experience text). Each ``NAME.gold.yaml`` says what the résumé states: its
skills (names the taxonomy resolves; names it does not know are counted apart), years for a few
skills, total years of professional experience and the highest finished degree.

Measured: skill precision and recall against the gold, years per skill within one year, total
years within one year, degree right; and the time of `from-resume` on a 10-page PDF (a subprocess,
as a person runs it). The 4 résumés that are also test fixtures were written before the reader
was tuned on them; the other 8 after, and are reported apart.

    python benchmarks/resume_benchmark.py            # needs /usr/bin/chromium for the PDFs
    python benchmarks/resume_benchmark.py --json out.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "benchmarks" / "resumes"
FIXTURES = REPO / "tests" / "fixtures" / "resumes"
FIXTURE_PEOPLE = {"priya-raman", "tomasz-wojcik", "lucas-ferreira", "amara-okafor"}

_spec = importlib.util.spec_from_file_location("resume_build", FIXTURES / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def write_docx(spec_path: Path, out: Path) -> Path:
    """A DOCX from a small YAML list of blocks (header, title, para, heading, bullet, table)."""
    import docx

    document = docx.Document()
    for block in yaml.safe_load(spec_path.read_text(encoding="utf-8")):
        (kind, value), = block.items()
        if kind == "header":
            document.sections[0].header.paragraphs[0].text = value
        elif kind == "title":
            document.add_heading(value, level=0)
        elif kind == "heading":
            document.add_heading(value, level=1)
        elif kind == "para":
            document.add_paragraph(value)
        elif kind == "bullet":
            document.add_paragraph(value, style="List Bullet")
        elif kind == "table":
            table = document.add_table(rows=0, cols=len(value[0]))
            for row in value:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    document.save(out)
    return out


def resume_file(name: str, gold: dict, work: Path) -> Path:
    source = gold.get("source")
    if source and source.endswith(":write_amara_docx"):
        return build.write_amara_docx(work / f"{name}.docx")
    path = REPO / source if source else next(p for p in sorted(HERE.glob(f"{name}.*")) if not p.name.endswith(".gold.yaml"))
    if path.name.endswith(".docx.yaml"):
        return write_docx(path, work / f"{name}.docx")
    if path.suffix == ".html":
        return build.print_pdf(path, work / f"{name}.pdf")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the numbers to this file")
    args = parser.parse_args()
    os.environ.setdefault("JOBMATCH_HOME", tempfile.mkdtemp(prefix="jobmatch-resume-bench-"))
    from jobmatch.cli.common import cache_dir
    from jobmatch.cli.common import load_taxonomy as load_user_taxonomy
    from jobmatch.matcher.places import set_gazetteer_cache
    from jobmatch.matcher.resume import read_document, read_resume

    taxonomy = load_user_taxonomy()
    set_gazetteer_cache(cache_dir())
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for gold_path in sorted(HERE.glob("*.gold.yaml")):
            name = gold_path.name.removesuffix(".gold.yaml")
            gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
            path = resume_file(name, gold, work)
            as_of = dt.date.fromisoformat(str(gold["as_of"]))
            started = time.perf_counter()
            reading = read_resume(read_document(str(path)), taxonomy, as_of=as_of)
            seconds = time.perf_counter() - started
            wanted, unknown = set(), []
            for skill in gold["skills"]:
                skill_id = taxonomy.resolve(str(skill))
                if skill_id is None:
                    unknown.append(str(skill))
                else:
                    wanted.add(skill_id)
            found = set(reading.skills)
            hits = found & wanted
            year_rows = []
            for skill, value in (gold.get("years") or {}).items():
                skill_id = taxonomy.resolve(str(skill))
                got = reading.skills[skill_id].years if skill_id in reading.skills else None
                year_rows.append((skill_id, value, got, got is not None and abs(got - value) <= 1))
            total = reading.years_experience or 0.0
            rows.append({
                "name": name, "format": path.suffix.lstrip("."), "fixture": name in FIXTURE_PEOPLE,
                "found": len(found), "gold": len(wanted), "hits": len(hits), "unknown_gold": unknown,
                "false_positives": sorted(found - wanted), "missed": sorted(wanted - found),
                "years": year_rows, "total": total, "total_gold": float(gold["total_years"]),
                "total_ok": abs(total - float(gold["total_years"])) <= 1,
                "degree": reading.education.level if reading.education else None, "degree_gold": gold["degree"],
                "seconds": seconds,
            })
        timing = ten_page_timing(work)

    def summary(subset: list[dict]) -> dict:
        found = sum(r["found"] for r in subset)
        hits = sum(r["hits"] for r in subset)
        gold = sum(r["gold"] for r in subset)
        years = [y for r in subset for y in r["years"]]
        return {"resumes": len(subset), "precision": round(hits / found, 3) if found else None,
                "recall": round(hits / gold, 3) if gold else None,
                "years_within_1": f"{sum(y[3] for y in years)}/{len(years)}",
                "total_within_1": f"{sum(r['total_ok'] for r in subset)}/{len(subset)}",
                "degree_right": f"{sum(r['degree'] == r['degree_gold'] for r in subset)}/{len(subset)}"}

    for row in rows:
        flag = "fixture" if row["fixture"] else "new"
        print(f"{row['name']:<18} {row['format']:<5} {flag:<7} P {row['hits']}/{row['found']}  R {row['hits']}/{row['gold']}  "
              f"total {row['total']:g}/{row['total_gold']:g}  degree {row['degree']}/{row['degree_gold']}  "
              f"{row['seconds']:.2f} s")
        if row["false_positives"]:
            print(f"    not in gold: {', '.join(row['false_positives'])}")
        if row["missed"]:
            print(f"    missed: {', '.join(row['missed'])}")
        if row["unknown_gold"]:
            print(f"    gold names the taxonomy lacks (not counted): {', '.join(row['unknown_gold'])}")
        wrong = [f"{s} {g:g} vs {v}" for s, g, v, ok in row["years"] if not ok]
        if wrong:
            print(f"    years off by more than one: {'; '.join(wrong)}")
    result = {"all": summary(rows), "new": summary([r for r in rows if not r["fixture"]]),
              "fixtures": summary([r for r in rows if r["fixture"]]), "ten_page_pdf": timing, "rows": rows}
    for key in ("all", "new", "fixtures"):
        print(f"{key:<9}", json.dumps(result[key]))
    print("10-page PDF:", json.dumps(timing))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


def ten_page_timing(work: Path) -> dict:
    """`jobmatch profile from-resume` on 10 two-column pages, run as a person runs it (twice: the
    first run also builds the taxonomy and gazetteer caches)."""
    html = (FIXTURES / "lucas-ferreira.html").read_text(encoding="utf-8")
    head, body = html.split('<div class="page">', 1)
    body = body.rsplit("</body>", 1)[0]
    page = '<div class="page" style="page-break-after: always">' + body
    ten = work / "ten.html"
    ten.write_text(head + page * 10 + "</body></html>", encoding="utf-8")
    pdf = build.print_pdf(ten, work / "ten.pdf")
    from jobmatch.matcher.resume import read_document

    started = time.perf_counter()
    document = read_document(str(pdf))
    read_seconds = time.perf_counter() - started
    runs, cpu = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "jobmatch.cli", "profile", "from-resume", str(pdf), "-o",
                               str(work / "ten.yaml"), "--force"], capture_output=True, text=True, check=False)
        runs.append(round(time.perf_counter() - started, 2))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2))
        if done.returncode != 0:
            return {"error": done.stderr.strip()}
    # The floor every spaCy command pays: importing spaCy and building its blank English pipeline.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from jobmatch.taxonomy.extraction import make_nlp; make_nlp()"], check=True)
    floor = round(time.perf_counter() - started, 2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"pages": document.pages, "lines": len(document.lines), "read_pdf_s": round(read_seconds, 3),
            "command_wall_s": runs, "command_cpu_s": cpu, "spacy_floor_wall_s": floor,
            "spacy_floor_cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2),
            "load_average": round(os.getloadavg()[0], 1)}


if __name__ == "__main__":
    sys.exit(main())
