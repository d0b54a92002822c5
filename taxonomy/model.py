"""Skills, categories and the taxonomy that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RESOURCE_KINDS = ("course", "book", "docs", "tutorial", "blog", "video", "paper")
RESOURCE_LEVELS = ("beginner", "intermediate", "advanced")


@dataclass(frozen=True)
class Resource:
    """A learning resource: one the guide recommends (``section`` names the guide's section), or a free,
    official one (a project's own docs or tutorial). ``kind`` is one of ``RESOURCE_KINDS``, ``level`` one
    of ``RESOURCE_LEVELS``; the loader requires ``url`` (http or https)."""

    title: str
    kind: str = "docs"
    provider: str | None = None
    url: str | None = None
    level: str | None = None
    section: str | None = None

    @property
    def from_guide(self) -> bool:
        return self.section is not None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in
                {"title": self.title, "kind": self.kind, "provider": self.provider, "url": self.url,
                 "level": self.level, "section": self.section}.items() if v}


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    origin: str = "guide"
    description: str = ""
    # False for things one does not study to acquire: soft skills, spoken languages, degrees, fields of
    # study, industries, clearances and work authorisation. "What to learn next" lists only learnable skills.
    learnable: bool = True


@dataclass(frozen=True)
class Skill:
    """One skill. ``aliases`` match case-insensitively; ``ambiguous_aliases`` need a technical context,
    and exact case too unless written in lower case ("R" and "Go" need it, "backend" does not)."""

    id: str
    label: str
    category: str
    origin: str = "market"  # "guide": the guide names it; "market": postings ask for it
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    label_is_ambiguous: bool = False
    broader: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    esco: str | None = None
    degree_level: str | None = None  # for degrees: the education level that holds them
    resources: tuple[Resource, ...] = ()
    description: str = ""
    source_file: str = ""
    prerequisites: tuple[str, ...] = ()  # skill ids to learn first (the guide's learning path); no cycles
    # A broad area ("software engineering", "artificial intelligence"): asked for and scored, but learnt
    # through its specific skills, so never a "learn next" item on its own.
    broad: bool = False

    @property
    def plain_names(self) -> tuple[str, ...]:
        """Names matched case-insensitively anywhere."""
        names = () if self.label_is_ambiguous else (self.label,)
        return names + self.aliases

    @property
    def context_names(self) -> tuple[str, ...]:
        """Names matched only with exact case and a technical context (R, Go, Spark, Excel)."""
        names = (self.label,) if self.label_is_ambiguous else ()
        return names + self.ambiguous_aliases

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "category": self.category, "origin": self.origin,
            "aliases": list(self.aliases), "ambiguous_aliases": list(self.ambiguous_aliases),
            "broader": list(self.broader), "related": list(self.related), "esco": self.esco,
            "degree_level": self.degree_level, "prerequisites": list(self.prerequisites), "broad": self.broad,
            "resources": [r.to_dict() for r in self.resources], "description": self.description,
        }


@dataclass
class Taxonomy:
    """Every skill and category, with a version that changes whenever the content does."""

    skills: dict[str, Skill]
    categories: dict[str, Category]
    version: str
    files: list[str] = field(default_factory=list)
    _by_name: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for skill in self.skills.values():
            for name in (skill.label, *skill.aliases, *skill.ambiguous_aliases, skill.id):
                self._by_name.setdefault(normalize_name(name), skill.id)

    def resolve(self, name: str) -> str | None:
        """The skill id for a name, alias or id (any case), or None."""
        return self._by_name.get(normalize_name(name))

    def names(self) -> list[str]:
        return list(self._by_name)

    def neighbours(self, skill_id: str) -> set[str]:
        """Skills linked to this one either way (related, broader or narrower)."""
        skill = self.skills[skill_id]
        linked = set(skill.related) | set(skill.broader)
        for other in self.skills.values():
            if skill_id in other.related or skill_id in other.broader:
                linked.add(other.id)
        linked.discard(skill_id)
        return linked

    def is_learnable(self, skill_id: str) -> bool:
        """Whether a skill is something to study (a technical skill, tool, method or area of knowledge),
        as its category says; False for soft skills, languages, degrees, ... and for unknown ids."""
        skill = self.skills.get(skill_id)
        if skill is None:
            return False
        category = self.categories.get(skill.category)
        return category.learnable if category is not None else True

    def prerequisites_of(self, skill_id: str) -> list[str]:
        """Every skill to learn before ``skill_id``, transitively, in an order to learn them (each after its
        own prerequisites); ``skill_id`` itself is not included."""
        return [s for s in self.learning_order([skill_id]) if s != skill_id]

    def learning_order(self, skill_ids: list[str]) -> list[str]:
        """``skill_ids`` with all their prerequisites, ordered so that each skill follows its prerequisites;
        otherwise the given order is kept (a depth-first walk). Unknown ids are kept where they are."""
        ordered: list[str] = []
        placed: set[str] = set()

        def visit(current: str, path: tuple[str, ...]) -> None:
            if current in placed or current in path:  # the loader rejects cycles; this only guards overlays
                return
            skill = self.skills.get(current)
            for before in (skill.prerequisites if skill else ()):
                visit(before, (*path, current))
            placed.add(current)
            ordered.append(current)

        for skill_id in skill_ids:
            visit(skill_id, ())
        return ordered


def normalize_name(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").split())
