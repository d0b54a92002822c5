"""The user's profile.yaml: skills (by any alias, with years or level), education, experience
and preferences; loaded safely with errors that name line, column or field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jobmatch.matcher.errors import ProfileError
from jobmatch.taxonomy.model import Taxonomy

EDUCATION_LEVELS = ("none", "bachelor", "master", "phd")
SKILL_LEVELS = {"beginner": 0.75, "basic": 0.75, "intermediate": 1.0, "advanced": 1.0, "expert": 1.0}
TOP_LEVEL = {"name", "skills", "education", "years_experience", "preferences", "targets", "location", "links"}
PREFERENCES = {"locations", "remote", "min_salary", "min_salary_currency", "titles", "exclude_companies"}
MAX_PROFILE_BYTES = 1024 * 1024


@dataclass
class ProfileSkill:
    id: str
    name: str  # as the user wrote it
    years: float | None = None
    level: str | None = None

    @property
    def strength(self) -> float:
        return SKILL_LEVELS.get(self.level or "", 1.0)


@dataclass
class Preferences:
    locations: list[str] = field(default_factory=list)
    remote: bool | None = None
    min_salary: float | None = None
    min_salary_currency: str | None = None
    titles: list[str] = field(default_factory=list)
    exclude_companies: list[str] = field(default_factory=list)


@dataclass
class Profile:
    skills: dict[str, ProfileSkill]
    name: str | None = None
    education: str | None = None
    years_experience: float | None = None
    preferences: Preferences = field(default_factory=Preferences)
    unknown_skills: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The role families the person aims for (matcher.roles): from `targets:`, else the families of
    # `preferences.titles`, else the families the skills point to, else empty (every technical family).
    targets: list[str] = field(default_factory=list)
    # Where the person lives, and their links (github, linkedin, website, ...), as `profile from-resume`
    # reads them from a résumé; kept for the person, not used by the ranking.
    location: str | None = None
    links: dict[str, str] = field(default_factory=dict)


def load_profile(path: str, taxonomy: Taxonomy, *, strict: bool = False, allow_no_skills: bool = False) -> Profile:
    file = Path(path)
    if not file.exists():
        raise ProfileError(path, "no such file")
    if file.is_dir():
        raise ProfileError(path, "is a directory, not a file")
    try:
        size = file.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise ProfileError(path, f"file is {size // 1024} KB; a profile is at most {MAX_PROFILE_BYTES // 1024} KB")
        raw = file.read_bytes()
    except OSError as error:
        raise ProfileError(path, f"cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProfileError(path, "not valid UTF-8", line=raw.count(b"\n", 0, error.start) + 1) from None
    return parse_profile(text, taxonomy, path=path, strict=strict, allow_no_skills=allow_no_skills)


def parse_profile(text: str, taxonomy: Taxonomy, *, path: str = "profile", strict: bool = False,
                  allow_no_skills: bool = False) -> Profile:
    """``allow_no_skills``: a profile with no skills yet is valid (a study plan starts from nothing)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if mark is not None:
            raise ProfileError(path, f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}",
                               line=mark.line + 1) from None
        raise ProfileError(path, f"invalid YAML: {problem}") from None
    if data is None and allow_no_skills:
        data = {}
    if data is None:
        raise ProfileError(path, "the profile is empty; the smallest profile is `skills: [python, sql]`")
    if not isinstance(data, dict):
        raise ProfileError(path, f"expected a mapping of fields (skills, education, ...), not a {_kind(data)}")
    unknown = set(map(str, data)) - TOP_LEVEL
    if unknown:
        raise ProfileError(path, f"unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(TOP_LEVEL))}")
    profile = Profile(skills={})
    profile.name = _optional_text(path, data, "name")
    profile.education = _education(path, data.get("education"))
    profile.years_experience = _years(path, data.get("years_experience"), "years_experience")
    profile.preferences = _preferences(path, data.get("preferences"))
    profile.targets = _targets(path, data.get("targets"), profile.preferences.titles)
    profile.location = _optional_text(path, data, "location")
    profile.links = _links(path, data.get("links"))
    raw_skills = data.get("skills")
    if raw_skills is None and allow_no_skills:
        raw_skills = []
    for name, years, level in _skill_entries(path, raw_skills):
        skill_id = taxonomy.resolve(name)
        if skill_id is None:
            close = difflib.get_close_matches(name.lower(), taxonomy.names(), n=3, cutoff=0.75)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            message = f"unknown skill {name!r}{hint}"
            if strict:
                raise ProfileError(path, message, field="skills")
            profile.unknown_skills.append(name)
            profile.warnings.append(f"{path}: {message} (ignored)")
            continue
        existing = profile.skills.get(skill_id)
        if existing and (existing.years or 0) >= (years or 0):
            continue
        profile.skills[skill_id] = ProfileSkill(skill_id, name, years, level)
    if not profile.targets:
        from jobmatch.matcher.roles import families_from_skills

        profile.targets = families_from_skills(profile.skills)  # "else from the skills"
    if not profile.skills and not allow_no_skills:
        if profile.unknown_skills:
            raise ProfileError(path, "none of the profile's skills is in the taxonomy "
                                     f"({', '.join(profile.unknown_skills[:5])}); see `jobmatch taxonomy list`",
                               field="skills")
        raise ProfileError(path, "the profile lists no skills; add e.g. `skills: [python, sql]`", field="skills")
    return profile


def _targets(path: str, value: Any, titles: list[str]) -> list[str]:
    """Role families from `targets:` (ids or titles: an unknown one is an error with a "did you
    mean"), else from the wanted titles (titles that name no family are skipped)."""
    from jobmatch.matcher.roles import resolve_target

    if value is not None:
        names = _text_list(path, value, "targets")
        families = []
        for name in names:
            try:
                families.append(resolve_target(name))
            except ValueError as error:
                raise ProfileError(path, str(error), field="targets") from None
        return list(dict.fromkeys(families))
    families = []
    for title in titles:
        try:
            families.append(resolve_target(title))
        except ValueError:
            continue
    return list(dict.fromkeys(families))


def _links(path: str, value: Any) -> dict[str, str]:
    """``links: {github: https://github.com/alex, website: https://alex.dev}`` (a list of URLs also works)."""
    if value is None:
        return {}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return {f"link {n}": v for n, v in enumerate(value, 1)}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ProfileError(path, "must be a mapping of names to addresses, e.g. `github: https://github.com/alex`",
                           field="links")
    return {str(k): v for k, v in value.items()}


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), "value")


def _optional_text(path: str, data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ProfileError(path, f"must be text, not a {_kind(value)}", field=name)
    return str(value)[:200]


def _education(path: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().lower() not in EDUCATION_LEVELS:
        raise ProfileError(path, f"must be one of {', '.join(EDUCATION_LEVELS)}, not {value!r}", field="education")
    return value.strip().lower()


def _years(path: str, value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(path, f"must be a number of years, not {value!r}", field=name)
    if value < 0 or value > 70:
        raise ProfileError(path, f"must be between 0 and 70, not {value!r}", field=name)
    return float(value)


def _text_list(path: str, value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise ProfileError(path, "must be a list of text", field=name)
    return [str(v) for v in value]


def _preferences(path: str, value: Any) -> Preferences:
    if value is None:
        return Preferences()
    if not isinstance(value, dict):
        raise ProfileError(path, f"must be a mapping, not a {_kind(value)}", field="preferences")
    unknown = set(map(str, value)) - PREFERENCES
    if unknown:
        raise ProfileError(path, f"unknown preference(s) {', '.join(sorted(unknown))}; known: "
                                 f"{', '.join(sorted(PREFERENCES))}", field="preferences")
    remote = value.get("remote")
    if remote is not None and not isinstance(remote, bool):
        raise ProfileError(path, f"must be true or false, not {remote!r}", field="preferences.remote")
    salary = value.get("min_salary")
    if salary is not None and (isinstance(salary, bool) or not isinstance(salary, int | float) or salary < 0):
        raise ProfileError(path, f"must be a positive number, not {salary!r}", field="preferences.min_salary")
    currency = value.get("min_salary_currency")
    if currency is not None and (not isinstance(currency, str) or len(currency.strip()) != 3):
        raise ProfileError(path, f"must be a 3-letter currency code, not {currency!r}",
                           field="preferences.min_salary_currency")
    return Preferences(
        locations=_text_list(path, value.get("locations"), "preferences.locations"),
        remote=remote,
        min_salary=float(salary) if salary is not None else None,
        min_salary_currency=currency.strip().upper() if currency else None,
        titles=_text_list(path, value.get("titles"), "preferences.titles"),
        exclude_companies=_text_list(path, value.get("exclude_companies"), "preferences.exclude_companies"),
    )


def _skill_entries(path: str, value: Any) -> list[tuple[str, float | None, str | None]]:
    if value is None:
        raise ProfileError(path, "is required; e.g. `skills: [python, sql]`", field="skills")
    entries: list[tuple[str, float | None, str | None]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and len(item) == 1:  # "- python: 3"
                entries.extend(_skill_entries(path, item))
            elif isinstance(item, str | int | float) and not isinstance(item, bool):
                entries.append((str(item), None, None))
            else:
                raise ProfileError(path, f"each skill must be a name, not {item!r}", field="skills")
        return entries
    if isinstance(value, dict):
        for name, detail in value.items():
            field_name = f"skills.{name}"
            if detail is None:
                entries.append((str(name), None, None))
            elif isinstance(detail, int | float) and not isinstance(detail, bool):
                entries.append((str(name), _years(path, detail, field_name), None))
            elif isinstance(detail, str) and detail.lower() in SKILL_LEVELS:
                entries.append((str(name), None, detail.lower()))
            elif isinstance(detail, dict):
                extra = set(map(str, detail)) - {"years", "level"}
                if extra:
                    raise ProfileError(path, f"unknown key(s) {', '.join(sorted(extra))}; use years and level",
                                       field=field_name)
                level = detail.get("level")
                if level is not None and (not isinstance(level, str) or level.lower() not in SKILL_LEVELS):
                    raise ProfileError(path, f"level must be one of {', '.join(SKILL_LEVELS)}, not {level!r}",
                                       field=field_name)
                entries.append((str(name), _years(path, detail.get("years"), f"{field_name}.years"),
                                level.lower() if level else None))
            else:
                raise ProfileError(path, f"must be years (a number) or {{years: N, level: ...}}, not {detail!r}",
                                   field=field_name)
        return entries
    raise ProfileError(path, f"must be a list of names or a mapping of name to years, not a {_kind(value)}",
                       field="skills")
