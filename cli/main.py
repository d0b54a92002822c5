"""The ``jobmatch`` command group.

Subcommands load lazily, so ``jobmatch --help`` imports neither Scrapy, spaCy nor scikit-learn.
User errors from any part become one line on stderr and exit code 1 (``--traceback`` shows all).
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import click

from jobmatch.cli.common import EXIT_ERROR, USER_ERRORS, db_option

# name -> (module in jobmatch.cli, attribute, one-line help shown by --help without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "crawl": ("crawl_command", "crawl_command", "Crawl the job boards in a sources file into the store."),
    "import": ("postings_commands", "import_command", "Add postings from JSONL, CSV or JobSpy CSV files."),
    "postings": ("postings_commands", "postings_group", "List, search, show and export the stored postings."),
    "skills": ("skills_commands", "skills_command", "Extract the skills that text files (or stdin) ask for."),
    "extract": ("skills_commands", "extract_command", "Extract skills for stored postings that lack them."),
    "evaluate": ("skills_commands", "evaluate_command", "Score skill extraction on SkillSpan-format data."),
    "rank": ("matching_commands", "rank_command", "Rank the open postings against your profile, explained."),
    "gaps": ("matching_commands", "gaps_command", "The skills to learn next, and your readiness."),
    "plan": ("matching_commands", "plan_command", "A study plan: the gaps worth closing, in order, with resources."),
    "profile": ("profile_commands", "profile_group", "Write (init) and check your profile.yaml."),
    "report": ("report_command", "report_command", "Write the match report: Markdown, HTML, CSV or JSON."),
    "sources": ("sources_commands", "sources_group", "Add a board from its careers-page URL; list and check a sources file."),
    "track": ("track_command", "track_command", "Remember what you did with a posting: applied, dismissed, ..."),
    "trends": ("trends_command", "trends_command", "How demand for skills moved across the crawl history."),
    "store": ("store_commands", "store_group", "The store and its caches: info (size, postings, last crawl), prune."),
    "taxonomy": ("taxonomy_commands", "taxonomy_group", "Inspect and check the skill taxonomy."),
    "worker": ("worker_command", "worker_command", "Run the team queue's tasks (crawl, extract, report) on this host."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when one is run (or its own help is asked)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[name]
        module = importlib.import_module(f"jobmatch.cli.{module_name}")
        return getattr(module, attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `jobmatch ... | head`: the reader left; nothing to report
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            ctx.exit(EXIT_ERROR)
        except USER_ERRORS as error:
            _fail(ctx, str(error))
        except OSError as error:
            name = f"{error.filename}: " if getattr(error, "filename", None) else ""
            _fail(ctx, f"{name}{error.strerror or error}")
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except Exception as error:  # a bug, not a user mistake: still one line unless asked
            _fail(ctx, f"internal error: {type(error).__name__}: {error} (run with --traceback for details)")


def _fail(ctx: click.Context, message: str) -> None:
    if (ctx.obj or {}).get("traceback"):
        raise
    click.echo(f"Error: {message}", err=True)
    ctx.exit(EXIT_ERROR)


def _version() -> str:
    try:
        return version("jobmatch")
    except PackageNotFoundError:
        return "unknown"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="jobmatch")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an error.")
@db_option
@click.pass_context
def cli(ctx: click.Context, traceback: bool) -> None:
    """Rank real machine-learning-engineer job postings against your skills, explain every score,
    and show what to learn next.

    The store is a SQLite file under JOBMATCH_HOME (else the platform's app data folder); --db or
    JOBMATCH_DB points elsewhere (a file path or a SQLAlchemy URL).
    """
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback
