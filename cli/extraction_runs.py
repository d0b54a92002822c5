"""The commands' side of extraction: jobmatch.cli.operations does it; this adds the messages and
the progress bar."""

from __future__ import annotations

from jobmatch.cli import operations
from jobmatch.cli.common import echo_stderr, progress_callback


def fill_extractions(store, taxonomy, *, quiet: bool = False, include_closed: bool = False) -> int:
    """Extract skills for every open posting (and closed ones if asked) that lacks them for this
    taxonomy version and these rules; returns how many postings got a new extraction."""
    with progress_callback("Extracting") as advance:
        return operations.fill_extractions(store, taxonomy, include_closed=include_closed,
                                           notify=operations.ignore if quiet else echo_stderr, progress=advance)
