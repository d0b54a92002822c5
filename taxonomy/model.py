"""Skills, categories and the taxonomy that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Resource:
    """A learning resource the guide recommends (a course, book, blog, ...)."""

    title: str
    kind: str = "resource"
    provider: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in
                {"title": self.title, "kind": self.kind, "provider": self.provider, "url": self.url}.items() if v}


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    origin: str = "guide"
    description: str = ""


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
            "degree_level": self.degree_level,
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


def normalize_name(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").split())
