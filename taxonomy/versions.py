"""What changed between two taxonomy versions, so a taxonomy edit re-extracts only the postings
that mention a skill whose names, category or links changed (or that was added or removed)."""

from __future__ import annotations

import re
from typing import Any

from jobmatch.taxonomy.model import Taxonomy

# The extraction rules' version (taxonomy/extraction.py and requirements.py): bump it when they
# change, so extractions cached in stores are made again. Kept here, away from spaCy, so reading
# the key costs no import.
EXTRACTOR_VERSION = 4


def extraction_key(taxonomy: Taxonomy) -> str:
    """What a cached extraction was made with: this taxonomy's content and these rules (and the skill
    model's version when extraction runs it)."""
    return f"{taxonomy.version}{model_part()}.x{EXTRACTOR_VERSION}"


# --- the skill model in the key (taxonomy/skill_model.py) -------------------------------------
def model_part() -> str:
    """The "+skill_model-1.0.0" in the key (and in every skill's signature) when extraction runs the
    skill model (the JOBMATCH_SKILL_MODEL setting), else "": a new model, or switching it on or
    off, makes cached extractions again. Reads the model's meta.json, never spaCy."""
    from jobmatch.taxonomy.skill_model import model_enabled, model_version

    return f"+{model_version()}" if model_enabled() else ""
# ---


def signature(taxonomy: Taxonomy) -> dict[str, list[Any]]:
    """Per skill, everything extraction reads of it: names (plain and context) and category, and the
    skill model when extraction runs it (so no extraction is carried over between the rules alone
    and the rules with a model: every skill differs)."""
    model = model_part()
    return {
        skill.id: [skill.category, sorted({name.lower() for name in skill.plain_names}),
                   sorted(set(skill.context_names))] + ([model] if model else [])
        for skill in taxonomy.skills.values()
    }


def changed_names(old: dict[str, list[Any]], new: dict[str, list[Any]]) -> set[str]:
    """Lower-cased names of every skill added, removed or changed between two signatures."""
    names: set[str] = set()
    for skill_id in old.keys() | new.keys():
        before, after = old.get(skill_id), new.get(skill_id)
        if before != after:
            for entry in (before, after):
                if entry:
                    names.update(name.lower() for name in (*entry[1], *entry[2]))
    return names


def mentions_any(text: str, names: set[str]) -> bool:
    """Whether ``text`` holds one of ``names`` as whole words (case-insensitive)."""
    if not names:
        return False
    lowered = text.lower()
    candidates = [name for name in names if name in lowered]
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered) for name in candidates)
