"""Loading the taxonomy: the bundled YAML files, then an optional user overlay merged over them.

Everything is validated on load; a problem raises ``TaxonomyError`` naming file, entry and field.
The version is a hash of the content, so cached extractions know when they are stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from jobmatch.taxonomy.errors import TaxonomyError
from jobmatch.taxonomy.model import (
    RESOURCE_KINDS,
    RESOURCE_LEVELS,
    Category,
    Resource,
    Skill,
    Taxonomy,
    normalize_name,
)

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster, still safe
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
ORIGINS = ("guide", "market")
DEGREE_LEVELS = ("bachelor", "master", "phd")
SKILL_FIELDS = {"id", "label", "category", "origin", "aliases", "ambiguous_aliases", "label_is_ambiguous",
                "broader", "related", "esco", "resources", "description", "degree_level", "prerequisites",
                "broad"}
CATEGORY_FIELDS = {"id", "label", "origin", "description", "learnable"}
RESOURCE_FIELDS = ("title", "url", "kind", "level", "provider", "section")
RESOURCE_REQUIRED = ("title", "url", "kind", "level")
# Bumped when the classes' fields change, so a pickled taxonomy from an older build is not reused.
SCHEMA_VERSION = 2
MAX_NAME_CHARS = 100
MAX_FILE_BYTES = 5 * 1024 * 1024


def bundled_files() -> list[Path]:
    folder = files("jobmatch.taxonomy") / "data"
    return sorted(Path(str(folder)).glob("*.yaml"))


@lru_cache(maxsize=8)
def load_taxonomy(overlay: str | None = None, cache_dir: str | None = None) -> Taxonomy:
    """The bundled taxonomy, with ``overlay`` (a user YAML file) merged over it when given.

    With ``cache_dir``, the validated taxonomy is kept there as a pickle keyed by the files' paths,
    sizes and modification times, so the YAML is parsed again only when a file changes.
    """
    paths = [str(path) for path in bundled_files()]
    if cache_dir is None:
        return build_taxonomy(paths, overlay)
    cache = Path(cache_dir) / f"taxonomy-{_files_key([*paths, *([overlay] if overlay else [])])}.pickle"
    try:
        with open(cache, "rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, Taxonomy):
            return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
    taxonomy = build_taxonomy(paths, overlay)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(taxonomy, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(cache)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return taxonomy


def _files_key(paths: list[str]) -> str:
    parts = [f"schema {SCHEMA_VERSION}"]
    for path in paths:
        try:
            stat = Path(path).stat()
            parts.append(f"{Path(path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}|missing")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def build_taxonomy(paths: list[str], overlay: str | None = None) -> Taxonomy:
    categories: dict[str, Category] = {}
    skills: dict[str, Skill] = {}
    raw_skills: list[tuple[str, dict[str, Any]]] = []
    for path in paths:
        document = read_yaml(path)
        for entry in _entries(path, document, "categories"):
            category = _category(path, entry)
            if category.id in categories:
                raise TaxonomyError(path, "duplicate category id", entry=category.id, field="id")
            categories[category.id] = category
        raw_skills.extend((path, entry) for entry in _entries(path, document, "skills"))
    seen_in: dict[str, str] = {}
    for path, entry in raw_skills:
        skill = _skill(path, entry)
        if skill.id in skills:
            raise TaxonomyError(path, f"duplicate skill id (first defined in {seen_in[skill.id]})",
                                entry=skill.id, field="id")
        skills[skill.id] = skill
        seen_in[skill.id] = path
    if overlay:
        _merge_overlay(overlay, skills, categories)
    _check_links(skills, categories)
    version = _version(skills, categories)
    return Taxonomy(skills=skills, categories=categories, version=version,
                    files=[*paths, *([overlay] if overlay else [])])


def read_yaml(path: str) -> Any:
    file = Path(path)
    if not file.exists():
        raise TaxonomyError(path, "no such file")
    if file.is_dir():
        raise TaxonomyError(path, "is a directory, not a file")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise TaxonomyError(path, f"file is larger than {MAX_FILE_BYTES // 2**20} MB")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise TaxonomyError(path, f"not valid UTF-8 (byte {error.start})") from None
    except OSError as error:
        raise TaxonomyError(path, f"cannot read: {error.strerror or error}") from None
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise TaxonomyError(path, f"{where}invalid YAML: {problem}") from None


def _entries(path: str, document: Any, key: str) -> list[dict[str, Any]]:
    if document is None:
        raise TaxonomyError(path, "file is empty")
    if not isinstance(document, dict):
        raise TaxonomyError(path, "expected a mapping with 'skills:' and/or 'categories:'")
    unknown = set(document) - {"skills", "categories"}
    if unknown:
        raise TaxonomyError(path, f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}")
    entries = document.get(key) or []
    if not isinstance(entries, list):
        raise TaxonomyError(path, f"'{key}' must be a list", field=key)
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise TaxonomyError(path, "each entry must be a mapping", entry=f"{key}[{index}]")
    return entries


def _text(path: str, entry_id: str, entry: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = entry.get(name)
    if value is None:
        if required:
            raise TaxonomyError(path, "is required", entry=entry_id, field=name)
        return None
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(path, "must be non-empty text", entry=entry_id, field=name)
    return value.strip()


def _names(path: str, entry_id: str, entry: dict[str, Any], name: str) -> tuple[str, ...]:
    value = entry.get(name) or []
    if not isinstance(value, list):
        raise TaxonomyError(path, "must be a list", entry=entry_id, field=name)
    names = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise TaxonomyError(path, f"malformed entry {item!r}: must be text", entry=entry_id, field=name)
        text = str(item).strip()
        if not text or len(text) > MAX_NAME_CHARS or "\n" in text:
            raise TaxonomyError(path, f"malformed entry {text[:40]!r}: must be one line of 1-{MAX_NAME_CHARS} "
                                      "characters", entry=entry_id, field=name)
        names.append(text)
    return tuple(names)


def _entry_id(path: str, entry: dict[str, Any], kind: str) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        label = entry.get("label") or "?"
        raise TaxonomyError(path, f"must be snake_case ([a-z0-9_]), got {value!r}", entry=f"{kind} {label!r}",
                            field="id")
    return value


def _category(path: str, entry: dict[str, Any]) -> Category:
    category_id = _entry_id(path, entry, "category")
    unknown = set(entry) - CATEGORY_FIELDS
    if unknown:
        raise TaxonomyError(path, f"unknown field(s) {', '.join(sorted(unknown))}", entry=category_id)
    origin = _text(path, category_id, entry, "origin") or "guide"
    if origin not in ORIGINS:
        raise TaxonomyError(path, f"must be one of {', '.join(ORIGINS)}", entry=category_id, field="origin")
    learnable = entry.get("learnable", True)
    if not isinstance(learnable, bool):
        raise TaxonomyError(path, "must be true or false", entry=category_id, field="learnable")
    return Category(id=category_id, label=_text(path, category_id, entry, "label", required=True) or category_id,
                    origin=origin, description=_text(path, category_id, entry, "description") or "",
                    learnable=learnable)


def _skill(path: str, entry: dict[str, Any], base: Skill | None = None) -> Skill:
    skill_id = _entry_id(path, entry, "skill")
    unknown = set(entry) - SKILL_FIELDS
    if unknown:
        raise TaxonomyError(path, f"unknown field(s) {', '.join(sorted(unknown))}", entry=skill_id)
    label = _text(path, skill_id, entry, "label", required=base is None) or (base.label if base else "")
    category = _text(path, skill_id, entry, "category", required=base is None) or (base.category if base else "")
    origin = _text(path, skill_id, entry, "origin") or (base.origin if base else "market")
    if origin not in ORIGINS:
        raise TaxonomyError(path, f"must be one of {', '.join(ORIGINS)}", entry=skill_id, field="origin")
    ambiguous_label = entry.get("label_is_ambiguous", base.label_is_ambiguous if base else False)
    if not isinstance(ambiguous_label, bool):
        raise TaxonomyError(path, "must be true or false", entry=skill_id, field="label_is_ambiguous")
    raw_resources = entry.get("resources") or []
    if not isinstance(raw_resources, list):
        raise TaxonomyError(path, "must be a list", entry=skill_id, field="resources")
    resources = [_resource(path, skill_id, index, item) for index, item in enumerate(raw_resources)]
    esco = _text(path, skill_id, entry, "esco")
    if esco and not esco.startswith(("http://", "https://")):
        raise TaxonomyError(path, "must be a URI", entry=skill_id, field="esco")
    degree_level = _text(path, skill_id, entry, "degree_level") or (base.degree_level if base else None)
    if degree_level is not None and degree_level not in DEGREE_LEVELS:
        raise TaxonomyError(path, f"must be one of {', '.join(DEGREE_LEVELS)}", entry=skill_id, field="degree_level")
    broad = entry.get("broad", base.broad if base else False)
    if not isinstance(broad, bool):
        raise TaxonomyError(path, "must be true or false", entry=skill_id, field="broad")
    merged = lambda name: tuple(dict.fromkeys((*(getattr(base, name) if base else ()),  # noqa: E731
                                               *_names(path, skill_id, entry, name))))
    return Skill(
        id=skill_id, label=label, category=category, origin=origin,
        aliases=merged("aliases"), ambiguous_aliases=merged("ambiguous_aliases"),
        label_is_ambiguous=ambiguous_label, broader=merged("broader"), related=merged("related"),
        esco=esco or (base.esco if base else None), degree_level=degree_level,
        prerequisites=merged("prerequisites"), broad=broad,
        resources=(*(base.resources if base else ()), *resources),
        description=_text(path, skill_id, entry, "description") or (base.description if base else ""),
        source_file=path,
    )


def _resource(path: str, skill_id: str, index: int, item: Any) -> Resource:
    """One resource: title, http(s) url, kind and level required; provider and guide section optional."""
    where = f"resources[{index}]"
    if not isinstance(item, dict):
        raise TaxonomyError(path, f"{where} must be a mapping with {', '.join(RESOURCE_REQUIRED)}",
                            entry=skill_id, field="resources")
    unknown = set(item) - set(RESOURCE_FIELDS)
    if unknown:
        raise TaxonomyError(path, f"{where} has unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                                  f"known: {', '.join(sorted(RESOURCE_FIELDS))}", entry=skill_id, field="resources")
    values: dict[str, str | None] = {}
    for name in RESOURCE_FIELDS:
        value = item.get(name)
        if value is None:
            if name in RESOURCE_REQUIRED:
                raise TaxonomyError(path, f"{where} ({str(item.get('title') or '?')[:60]!r}) needs a {name!r}",
                                    entry=skill_id, field="resources")
            values[name] = None
            continue
        if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
            raise TaxonomyError(path, f"{where}: {name!r} must be one line of text", entry=skill_id,
                                field="resources")
        values[name] = value.strip()
    url = values["url"] or ""
    if not re.fullmatch(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", url, flags=re.I):
        raise TaxonomyError(path, f"{where} ({values['title'][:60]!r}): url must be an http(s) address, "
                                  f"got {url[:80]!r}", entry=skill_id, field="resources")
    if values["kind"] not in RESOURCE_KINDS:
        raise TaxonomyError(path, f"{where}: kind must be one of {', '.join(RESOURCE_KINDS)}, got "
                                  f"{values['kind']!r}", entry=skill_id, field="resources")
    if values["level"] not in RESOURCE_LEVELS:
        raise TaxonomyError(path, f"{where}: level must be one of {', '.join(RESOURCE_LEVELS)}, got "
                                  f"{values['level']!r}", entry=skill_id, field="resources")
    return Resource(title=values["title"] or "", kind=values["kind"] or "docs", provider=values["provider"],
                    url=url, level=values["level"], section=values["section"])


def _merge_overlay(path: str, skills: dict[str, Skill], categories: dict[str, Category]) -> None:
    """An overlay adds skills and categories, and extends existing skills (aliases are added to)."""
    document = read_yaml(path)
    for entry in _entries(path, document, "categories"):
        category = _category(path, entry)
        categories[category.id] = category
    for entry in _entries(path, document, "skills"):
        skill_id = _entry_id(path, entry, "skill")
        skills[skill_id] = _skill(path, entry, base=skills.get(skill_id))


def _check_links(skills: dict[str, Skill], categories: dict[str, Category]) -> None:
    owner: dict[str, str] = {}
    for skill in skills.values():
        if skill.category not in categories:
            raise TaxonomyError(skill.source_file, f"unknown category {skill.category!r}", entry=skill.id,
                                field="category")
        for field_name in ("broader", "related", "prerequisites"):
            for target in getattr(skill, field_name):
                if target not in skills:
                    raise TaxonomyError(skill.source_file, f"links to unknown skill {target!r}", entry=skill.id,
                                        field=field_name)
                if target == skill.id:
                    raise TaxonomyError(skill.source_file, "links to itself", entry=skill.id, field=field_name)
        for name in (*skill.plain_names, *skill.context_names):
            key = normalize_name(name)
            if not re.search(r"[a-z0-9]", key):
                raise TaxonomyError(skill.source_file, f"malformed alias {name!r}: no letter or digit",
                                    entry=skill.id, field="aliases")
            if key in owner and owner[key] != skill.id:
                raise TaxonomyError(skill.source_file, f"name {name!r} already belongs to skill {owner[key]!r}",
                                    entry=skill.id, field="aliases")
            owner[key] = skill.id
    _check_prerequisite_cycles(skills)


def _check_prerequisite_cycles(skills: dict[str, Skill]) -> None:
    """Prerequisites must form a DAG: a cycle is reported with its path, on the entry where it closes."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(skill_id: str, path: list[str]) -> None:
        state[skill_id] = 1
        path.append(skill_id)
        for before in skills[skill_id].prerequisites:
            if state.get(before) == 1:
                cycle = [*path[path.index(before):], before]
                raise TaxonomyError(skills[skill_id].source_file,
                                    f"prerequisite cycle: {' -> '.join(cycle)}", entry=skill_id,
                                    field="prerequisites")
            if before not in state:
                visit(before, path)
        path.pop()
        state[skill_id] = 2

    for skill_id in sorted(skills):
        if skill_id not in state:
            visit(skill_id, [])


def _version(skills: dict[str, Skill], categories: dict[str, Category]) -> str:
    content = {
        "skills": [skills[k].to_dict() | {"ambiguous_label": skills[k].label_is_ambiguous} for k in sorted(skills)],
        "categories": [vars(categories[k]) for k in sorted(categories)],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()[:12]


