"""A study plan from the gaps: the skills worth learning next, in the order the guide teaches them,
each with why (the jobs it opens), its prerequisites and the resources to learn it with, fitted into
a number of weeks. Pure: reads a GapReport and the taxonomy, returns data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jobmatch.matcher.ranking import Gap, GapReport
from jobmatch.taxonomy.model import Taxonomy

# Weeks a step takes by the level of its first resource (a guess a person can change with --weeks).
WEEKS_BY_LEVEL = {"beginner": 1, "intermediate": 2, "advanced": 3}
DEFAULT_STEP_WEEKS = 2
# Where the guide starts a person who has nothing yet: programming, the maths, then machine learning.
FOUNDATIONS = ("python", "linear_algebra", "calculus", "probability", "statistics", "machine_learning")


@dataclass
class PlanStep:
    skill: str
    label: str
    start_week: int
    weeks: int
    why: str
    prerequisites: list[str]
    resources: list[dict[str, Any]]
    value: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"skill": self.skill, "label": self.label, "start_week": self.start_week, "weeks": self.weeks,
                "why": self.why, "prerequisites": self.prerequisites, "resources": self.resources,
                "value": self.value}


@dataclass
class StudyPlan:
    steps: list[PlanStep]
    weeks: int
    later: list[str] = field(default_factory=list)  # gaps that did not fit in the weeks
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"weeks": self.weeks, "steps": [s.to_dict() for s in self.steps], "later": self.later,
                "note": self.note}


def build_plan(report: GapReport, taxonomy: Taxonomy, held: set[str], *, weeks: int, threshold: float) -> StudyPlan:
    """The gaps in learning order, each after the prerequisites the person lacks, until ``weeks``."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    gaps = list(report.gaps)
    note = ""
    if not held:
        note = "Your profile lists no skills yet: the plan starts at the foundations the guide teaches."
        gaps = [_foundation(skill_id, taxonomy, report.target_postings) for skill_id in FOUNDATIONS
                if skill_id in taxonomy.skills] + [g for g in gaps if g.id not in FOUNDATIONS]
    elif not gaps:
        return StudyPlan([], weeks, note="You have every technical skill your target postings ask for; "
                                         "nothing to add to a plan.")
    gaps = _with_prerequisites(gaps, taxonomy, report.target_postings)
    steps: list[PlanStep] = []
    later: list[str] = []
    week = 1
    for gap in gaps:
        skill = taxonomy.skills.get(gap.id)
        if skill is None:
            continue
        length = _weeks_for(gap)
        if week + length - 1 > weeks:
            later.append(gap.id)
            continue
        prerequisites = [p for p in skill.prerequisites if p not in held]
        why = gap.why(threshold, report.top) if gap.postings else (
            "first step for " + ", ".join(taxonomy.skills[s].label for s in gap.prerequisite_of if s in taxonomy.skills)
            if gap.prerequisite_of else "a foundation the guide teaches first")
        steps.append(PlanStep(gap.id, gap.label, week, length, why, prerequisites, gap.resources[:4], gap.gain))
        week += length
    return StudyPlan(steps, weeks, later, note)


def _with_prerequisites(gaps: list[Gap], taxonomy: Taxonomy, target_postings: int) -> list[Gap]:
    """Each gap after the prerequisites it names (the guide's learning path), each step once."""
    by_id = {gap.id: gap for gap in gaps}
    ordered: list[Gap] = []
    placed: set[str] = set()
    for gap in gaps:
        for prerequisite in gap.prerequisites:
            if prerequisite in placed or prerequisite not in taxonomy.skills:
                continue
            before = by_id.get(prerequisite) or _foundation(prerequisite, taxonomy, target_postings)
            if gap.id not in before.prerequisite_of:
                before.prerequisite_of.append(gap.id)
            ordered.append(before)
            placed.add(prerequisite)
        if gap.id not in placed:
            ordered.append(gap)
            placed.add(gap.id)
    return ordered


def _weeks_for(gap: Gap) -> int:
    if not gap.resources:
        return DEFAULT_STEP_WEEKS
    return WEEKS_BY_LEVEL.get(gap.resources[0].get("level") or "", DEFAULT_STEP_WEEKS)


def _foundation(skill_id: str, taxonomy: Taxonomy, target_postings: int) -> Gap:
    skill = taxonomy.skills[skill_id]
    return Gap(skill_id, skill.label, skill.category, 0, 0, 0, 0, 0, 0.0, 0.0,
               [r.to_dict() for r in skill.resources], learnable=True, target_postings=target_postings)
