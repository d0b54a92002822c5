"""The commands' side of getting a ranking ready: the work is in jobmatch.cli.operations; this
adds the command line's messages, progress bar and closing with the click context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from jobmatch.cli.common import echo_stderr, progress_callback, workspace
from jobmatch.cli.operations import load_profile_file, prepare_ranking

if TYPE_CHECKING:
    from jobmatch.cli.operations import RankingSession
    from jobmatch.matcher.profile import Profile


def prepare(ctx: click.Context, profile_path: str | None, *, strict: bool = False,
            allow_no_skills: bool = False) -> tuple[RankingSession, Profile | None]:
    """The profile (None: none, for a batch over many) read first, so a mistake in it is said
    before any extraction; then the taxonomy, the store and its skill matrix."""
    where = workspace(ctx)
    taxonomy = where.load_taxonomy()
    profile = None
    if profile_path is not None:
        profile = load_profile_file(where, taxonomy, profile_path, strict=strict,
                                    allow_no_skills=allow_no_skills, notify=echo_stderr)
    with progress_callback("Extracting") as advance:
        session = prepare_ranking(where, notify=echo_stderr, progress=advance, taxonomy=taxonomy)
    ctx.call_on_close(session.close)
    return session, profile
