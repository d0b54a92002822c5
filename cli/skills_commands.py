"""``jobmatch skills``, ``jobmatch extract`` and ``jobmatch evaluate``."""

from __future__ import annotations

import sys

import click

from jobmatch.cli.common import db_option, load_taxonomy, open_store, print_json, store_location
from jobmatch.cli.extraction_runs import fill_extractions
from jobmatch.cli.worker_command import distributed_options, enqueue_and_maybe_wait

MAX_INPUT_BYTES = 5 * 1024 * 1024


@click.command("skills")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def skills_command(files: tuple[str, ...], fmt: str) -> None:
    """Extract the skills that plain-text FILES (or stdin, '-') ask for.

    JSON gives, per input, each skill's id, label, category, requirement level, years, evidence
    spans (character offsets into the text as read) and the options of the "X or Y" ask it belongs
    to (any_of), then the education asked (required and preferred degree, subjects, whether
    equivalent experience counts) and the years asked for.
    """
    from jobmatch.taxonomy.extraction import SkillExtractor

    inputs = [(name, _read_input(name)) for name in (files or ("-",))]
    taxonomy = load_taxonomy()
    extractor = SkillExtractor(taxonomy)
    results = []
    for (name, text), extraction in zip(inputs, extractor.extract_many((t, None, None) for _, t in inputs),
                                        strict=True):
        data = extraction.to_dict(taxonomy)
        results.append({"source": name, "skills": data["skills"], "education": data["education"],
                        "years_experience": data["years_experience"],
                        "education_detail": data["education_detail"], "groups": data["groups"],
                        "seniority": data["seniority"]})
        if fmt == "table":
            _print_table(name, text, data)
    if fmt == "json":
        print_json(results)


def _read_input(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        try:
            with open(name, "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise click.ClickException(f"{name}: no such file") from None
        except IsADirectoryError:
            raise click.ClickException(f"{name}: is a directory, not a file") from None
        except PermissionError:
            raise click.ClickException(f"{name}: permission denied") from None
    if len(data) > MAX_INPUT_BYTES:
        raise click.ClickException(f"{name}: larger than {MAX_INPUT_BYTES // 2**20} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise click.ClickException(f"{name}:{line}: not valid UTF-8 (byte {error.start})") from None


def _print_table(name: str, text: str, data: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{name}: {len(data['skills'])} skill(s)", title_justify="left")
    for column in ("skill", "category", "requirement", "years", "evidence"):
        table.add_column(column, overflow="fold")
    for skill in data["skills"]:
        evidence = Text()
        if skill["spans"]:
            start, end = skill["spans"][0]
            left = " ".join(text[max(0, start - 30):start].split()[-5:])
            right = " ".join(text[end:end + 30].split()[:5])
            evidence.append(f"…{left} " if left else "")
            evidence.append(text[start:end], style="bold reverse")
            evidence.append(f" {right}…" if right else "")
        requirement = skill["requirement"] + (f" (one of {len(skill['any_of'])})" if skill.get("any_of") else "")
        table.add_row(skill["label"], skill["category"], requirement,
                      "" if skill["years"] is None else f"{skill['years']:g}", evidence)
    console = Console()
    console.print(table)
    console.print(f"education: {_education_text(data['education_detail'])}; years of experience: "
                  f"{'not stated' if data['years_experience'] is None else format(data['years_experience'], 'g')}")


def _education_text(detail: dict) -> str:
    if not detail["required"] and not detail["preferred"]:
        return "not stated"
    parts = [f"{detail['required'] or 'none'} required"]
    if detail["preferred"]:
        parts.append(f"{detail['preferred']} preferred")
    if detail["fields"]:
        parts.append("in " + ", ".join(detail["fields"]))
    if detail["equivalent_experience"]:
        parts.append("or equivalent experience")
    return " ".join(parts)


@click.command("extract")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(min=1),
              help="With --distributed: postings per queued task.")
@distributed_options
@db_option
@click.pass_context
def extract_command(ctx: click.Context, batch_size: int, distributed: bool, wait: bool) -> None:
    """Extract skills for the stored postings that lack them for the current taxonomy version.

    With --distributed, queue them in batches for the team's workers (jobmatch worker) instead.
    """
    if distributed:
        _extract_distributed(ctx, batch_size, wait)
        return
    store = open_store(ctx)
    taxonomy = load_taxonomy()
    count = fill_extractions(store, taxonomy)
    click.echo(f"Extracted {count} posting(s); taxonomy version {taxonomy.version}.", err=True)


def _extract_distributed(ctx: click.Context, batch_size: int, wait: bool) -> None:
    from jobmatch.cli.operations import pending_extractions
    from jobmatch.cli.task_queue import EXTRACT, Task, active_tasks, dedupe_key, queue_dsn, require_team_extra
    from jobmatch.taxonomy.versions import extraction_key

    queue_dsn(store_location(ctx))  # a SQLite store is refused before any work
    require_team_extra()
    store = open_store(ctx)
    taxonomy = load_taxonomy()
    pending, carried = pending_extractions(store, taxonomy)
    if carried:
        click.echo(f"Kept {carried} extraction(s) the taxonomy change does not touch.", err=True)
    key = extraction_key(taxonomy)
    # Postings in batches already queued or running stay there: running it again queues nothing twice.
    active = [(job_id, payload) for job_id, payload in active_tasks(store_location(ctx), EXTRACT)
              if payload.get("key") == key]
    in_queue = {str(posting_id) for _, payload in active for posting_id in payload.get("ids", [])}
    ids = [posting.id for posting in pending if posting.id not in in_queue]
    tasks = [Task(EXTRACT, {"key": key, "ids": ids[start:start + batch_size]},
                  dedupe_key(EXTRACT, [key, *ids[start:start + batch_size]]))
             for start in range(0, len(ids), batch_size)]
    if not tasks and not active:
        click.echo(f"Nothing to extract; taxonomy version {taxonomy.version}.", err=True)
        return
    enqueue_and_maybe_wait(ctx, tasks, what="extraction", wait=wait, already=[job_id for job_id, _ in active])


@click.command("evaluate")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--split", default="dev", show_default=True, help="Which split to score (train or dev).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: the scores per source for reading; json: the same numbers for scripts.")
def evaluate_command(data_dir: str, split: str, fmt: str) -> None:
    """Score skill extraction on SkillSpan-format data in DATA_DIR (Zhang et al., NAACL 2022).

    Reports, for each source (tech, house): strict KNOWLEDGE span precision/recall/F1, skill
    precision at the posting level and knowledge-item recall.
    """
    import time

    from jobmatch.taxonomy.evaluation import read_skillspan, score
    from jobmatch.taxonomy.extraction import SkillExtractor

    postings = read_skillspan(data_dir, split)
    extractor = SkillExtractor(load_taxonomy())
    started = time.perf_counter()
    scores = score(extractor, postings)
    elapsed = time.perf_counter() - started
    if fmt == "json":
        print_json({"split": split, "seconds": round(elapsed, 2), "scores": scores})
        return
    from rich.console import Console
    from rich.table import Table

    measures = ["postings", "strict_knowledge_precision", "strict_knowledge_recall", "strict_knowledge_f1",
                "skill_precision", "knowledge_item_recall"]
    table = Table(title=f"SkillSpan {split} ({elapsed:.1f} s)")
    table.add_column("measure")
    for source in scores:
        table.add_column(source, justify="right")
    for measure in measures:
        table.add_row(measure, *(f"{scores[s][measure]:g}" for s in scores))
    Console().print(table)
