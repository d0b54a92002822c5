"""``jobmatch profile check|init`` and the ``from-resume`` slot.

``profile check`` prints a profile as jobmatch reads it: the skills as the taxonomy knows them, the
unknown ones with a "did you mean", the target role families, the places, education and years.
``profile init`` asks a few questions (or takes options, for scripts) and writes a commented
profile.yaml that ``profile check`` accepts. ``profile from-resume`` lives in its own module
(``jobmatch.cli.resume_command``), imported only when it is run; without that module it says so in
one line.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import json
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from jobmatch.cli.common import EXIT_ERROR, cache_dir, load_taxonomy, print_json, usage_error
from jobmatch.cli.operations import write_atomically
from jobmatch.matcher.errors import ProfileError
from jobmatch.matcher.profile import EDUCATION_LEVELS, SKILL_LEVELS

RESUME_MODULE = "jobmatch.cli.resume_command"
# name -> (module, attribute, one-line help shown without importing the module)
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "from-resume": (RESUME_MODULE, "from_resume_command", "Draft a profile from your résumé."),
}
FAMILY_HINT = ("ml_engineer, ai_engineer, research_scientist, data_scientist, mlops, data_engineer, data_analyst, "
               "software_engineer")
EXAMPLE = 'jobmatch profile init --skills "python:3, sql, pytorch" --targets ml_engineer'


class ProfileGroup(click.Group):
    """``check`` and ``init``, and the commands of LAZY_COMMANDS, imported only when run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            return _lazy_command(name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS:
                module, _, help_text = LAZY_COMMANDS[name]
                rows.append((name, help_text if _module_exists(module) else "(not available in this version)"))
            else:
                rows.append((name, self.commands[name].get_short_help_str(formatter.width)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _lazy_command(name: str) -> click.Command:
    module_name, attribute, _ = LAZY_COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:
            return _unavailable(name, "not in this version of jobmatch")
        return _unavailable(name, f"it needs the package {error.name}, which is not installed")
    command = getattr(module, attribute, None)
    if not isinstance(command, click.Command):
        return _unavailable(name, f"{module_name} has no command {attribute}")
    return command


def _unavailable(name: str, reason: str) -> click.Command:
    @click.command(name, add_help_option=False, help=f"Not available: {reason}.",
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.pass_context
    def command(ctx: click.Context) -> None:
        click.echo(f"Error: `jobmatch profile {name}` is not available: {reason}.", err=True)
        ctx.exit(EXIT_ERROR)

    return command


@click.group("profile", cls=ProfileGroup)
def profile_group() -> None:
    """Write and check your profile.yaml: the skills, roles and places jobmatch ranks postings for."""


# check ------------------------------------------------------------------------------------------


@profile_group.command("check", short_help="Validate a profile and show how jobmatch reads it.")
@click.argument("profile", type=click.Path())
@click.option("--strict", is_flag=True, help="Unknown skills and places are errors (exit 1), not warnings.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for reading; json for scripts (the skills, targets, places and warnings).")
def check_command(profile: str, strict: bool, fmt: str) -> None:
    """Validate PROFILE and print what jobmatch understood: each skill as the taxonomy names it,
    unknown skills with a "did you mean", the role families it targets, the places it names (and
    those jobmatch does not know), education and years of experience.

    Exit code 1 with one line for a profile that cannot be used (bad YAML, a wrong field, no known
    skill, an unknown target role); 0 otherwise, warnings included. --strict makes the warnings
    errors.
    """
    from jobmatch.matcher.places import parse_person_places, set_gazetteer_cache
    from jobmatch.matcher.profile import load_profile

    taxonomy = load_taxonomy()
    loaded = load_profile(profile, taxonomy, strict=strict)
    set_gazetteer_cache(cache_dir())
    places = parse_person_places(loaded.preferences.locations)
    if strict and places.warnings:
        first = places.warnings[0].removesuffix("; matched as text")
        more = f" (and {len(places.warnings) - 1} more)" if len(places.warnings) > 1 else ""
        raise ProfileError(profile, f"{first}{more}; --strict accepts only places jobmatch knows")
    report = _understood(profile, loaded, places, taxonomy)
    if fmt == "json":
        print_json(report)
        return
    _print_understood(report)


def _understood(path: str, profile: Any, places: Any, taxonomy: Any) -> dict[str, Any]:
    skills = []
    for skill in profile.skills.values():
        known = taxonomy.skills[skill.id]
        skills.append({"name": skill.name, "id": skill.id, "label": known.label, "category": known.category,
                       "years": skill.years, "level": skill.level})
    unknown = [{"name": name, "did_you_mean": did_you_mean(name, taxonomy)} for name in profile.unknown_skills]
    targets, targets_from = _targets_understood(path, profile)
    prefs = profile.preferences
    remote = prefs.remote if prefs.remote is not None else (True if places.wants_remote else None)
    return {
        "path": path, "ok": True, "name": profile.name, "skills": skills, "unknown_skills": unknown,
        "targets": targets, "targets_from": targets_from,
        "places": {"home": places.home.label if places.home else None,
                   "onsite": [place.label for place in places.onsite],
                   "remote_scopes": [scope.describe() for scope in places.remote_scopes],
                   "as_text": list(places.text), "warnings": list(places.warnings)},
        "remote": remote, "education": profile.education, "years_experience": profile.years_experience,
        "min_salary": prefs.min_salary, "min_salary_currency": prefs.min_salary_currency,
        "titles": list(prefs.titles), "exclude_companies": list(prefs.exclude_companies),
        "location": getattr(profile, "location", None), "links": dict(getattr(profile, "links", None) or {}),
        "warnings": [*profile.warnings, *places.warnings],
    }


def did_you_mean(name: str, taxonomy: Any) -> list[str]:
    """Up to three taxonomy names close to ``name`` (as the profile loader suggests them)."""
    return difflib.get_close_matches(name.lower(), taxonomy.names(), n=3, cutoff=0.75)


def _targets_understood(path: str, profile: Any) -> tuple[list[dict[str, str]], str]:
    """Each target as written with its role family, and where they came from: targets, titles or none."""
    from jobmatch.matcher.roles import resolve_target

    raw: Any = None
    try:
        raw = _read_yaml(path)
    except Exception:  # the loader read it a moment ago; if it changed since, fall back on the families
        raw = None
    written = raw.get("targets") if isinstance(raw, dict) else None
    if written is not None:
        names = [str(n) for n in (written if isinstance(written, list) else [written])]
        return [{"name": name, "family": resolve_target(name)} for name in names], "targets"
    found = []
    for title in profile.preferences.titles:
        try:
            found.append({"name": title, "family": resolve_target(title)})
        except ValueError:
            found.append({"name": title, "family": None})
    if any(item["family"] for item in found):
        return found, "titles"
    return [{"name": family, "family": family} for family in profile.targets], "none"


def _read_yaml(path: str) -> Any:
    import yaml

    return yaml.safe_load(Path(path).read_bytes().decode("utf-8-sig"))


def _print_understood(report: dict[str, Any]) -> None:
    out = []
    name = f" ({report['name']})" if report["name"] else ""
    problems = len(report["warnings"])
    out.append(f"{report['path']}{name}: OK" + (f", {problems} warning(s)" if problems else ""))
    out.append(f"Skills: {len(report['skills'])} understood")
    width = min(30, max((len(s["label"]) for s in report["skills"]), default=10))
    for skill in report["skills"]:
        detail = []
        if skill["years"] is not None:
            detail.append(f"{skill['years']:g} year(s)")
        if skill["level"]:
            detail.append(skill["level"])
        written = "" if skill["name"].strip().lower() == skill["label"].lower() else f"as {skill['name']!r}"
        columns = [f"  {skill['label']:<{width}}", ", ".join(detail), written]
        out.append("  ".join(column for column in columns if column).rstrip())
    if report["unknown_skills"]:
        out.append("Unknown skills (ignored; `jobmatch taxonomy show NAME` looks one up, --strict makes them errors):")
        for item in report["unknown_skills"]:
            hint = f"did you mean {', '.join(repr(c) for c in item['did_you_mean'])}?" if item["did_you_mean"] \
                else "no close name in the taxonomy"
            out.append(f"  {item['name']}: {hint}")
    targets, source = report["targets"], report["targets_from"]
    if source == "none":
        out.append("Targets: none named; every technical role is ranked (add `targets:` to narrow it)")
    else:
        out.append("Targets" + (" (from preferences.titles)" if source == "titles" else "") + ":")
        for item in targets:
            family = item["family"] or "names no role family (ignored)"
            out.append(f"  {item['name']} -> {family}" if item["name"] != item["family"] else f"  {family}")
    out.append("Places:" if report["places"]["home"] or report["places"]["onsite"] or report["places"]["as_text"]
               or report["places"]["remote_scopes"] else "Places: none named (a job anywhere fits)")
    places = report["places"]
    if places["home"]:
        out.append(f"  home: {places['home']}")
    if places["onsite"]:
        out.append(f"  on-site or hybrid in: {'; '.join(places['onsite'])}")
    for scope in places["remote_scopes"]:
        out.append(f"  remote: {'no region named' if scope == 'not stated' else scope}")
    if places["as_text"]:
        out.append(f"  matched as text: {'; '.join(places['as_text'])}")
    for warning in places["warnings"]:
        out.append(f"  Warning: {warning}")
    out.append("Remote work: " + {True: "yes", False: "no", None: "not said"}[report["remote"]])
    out.append(f"Education: {report['education'] or 'not said'}")
    years = report["years_experience"]
    out.append(f"Years of experience: {'not said' if years is None else format(years, 'g')}")
    if report["min_salary"] is not None:
        out.append(f"Minimum salary: {report['min_salary']:,.0f} {report['min_salary_currency'] or ''}".rstrip())
    if report["titles"]:
        out.append(f"Titles: {'; '.join(report['titles'])}")
    if report["exclude_companies"]:
        out.append(f"Companies left out: {'; '.join(report['exclude_companies'])}")
    if report["location"]:
        out.append(f"Lives in: {report['location']}")
    if report["links"]:
        out.append("Links: " + "; ".join(f"{kind} {url}" for kind, url in report["links"].items()))
    click.echo("\n".join(out))


# init -------------------------------------------------------------------------------------------


@profile_group.command("init", short_help="Write a commented profile.yaml from a few questions (or options).")
@click.option("-o", "--output", default="profile.yaml", show_default=True, metavar="FILE",
              help="Where to write the profile ('-' for stdout).")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--name", help="Your name (only shown in reports).")
@click.option("--skills", multiple=True, metavar="LIST",
              help="Your skills, separated by commas, each optionally with years and a level after a colon: "
                   "'python:3, sql:1, pytorch:1 beginner'. With --skills nothing is asked.")
@click.option("--years", "years_experience", type=click.FloatRange(0, 70), metavar="N",
              help="Years of work experience.")
@click.option("--education", type=click.Choice(EDUCATION_LEVELS, case_sensitive=False),
              help="Your highest degree.")
@click.option("--locations", multiple=True, metavar="LIST",
              help="Where you would work, separated by ';': 'Berlin; Remote - EU'.")
@click.option("--remote/--no-remote", default=None, help="Whether you take remote work [default: not said].")
@click.option("--targets", multiple=True, metavar="LIST",
              help=f"The roles you aim for, separated by commas: role families ({FAMILY_HINT}) or job titles "
                   "('MLOps Engineer').")
@click.pass_context
def init_command(ctx: click.Context, output: str, force: bool, name: str | None, skills: tuple[str, ...],
                 years_experience: float | None, education: str | None, locations: tuple[str, ...],
                 remote: bool | None, targets: tuple[str, ...]) -> None:
    """Write a commented profile.yaml that `jobmatch profile check` and `jobmatch rank` read.

    On a terminal it asks for your name, skills (checked against the taxonomy, with a "did you
    mean"), years of experience, education, places, remote work and target roles; the answers
    can also come one a line on stdin. With --skills nothing is asked: the other answers come from
    their options or are left out. The file is written whole or not at all.
    """
    from jobmatch.matcher.places import set_gazetteer_cache

    to_stdout = output == "-"
    if not to_stdout:
        _check_output(ctx, Path(output), force)
    taxonomy = load_taxonomy()
    set_gazetteer_cache(cache_dir())
    answers = {"name": (name or "").strip() or None, "years_experience": years_experience,
               "education": education.lower() if education else None, "remote": remote,
               "locations": _split(locations, ";")}
    if skills:
        parsed, unknown = parse_skills(_split(skills, ","), taxonomy)
        if unknown:
            usage_error(ctx, "--skills: " + unknown_skills_text(unknown, taxonomy))
        if not parsed:
            usage_error(ctx, "--skills: name at least one skill, e.g. --skills \"python, sql\"")
        answers["skills"] = parsed
        families, problems = resolve_targets(_split(targets, ","))
        if problems:
            usage_error(ctx, f"--targets: {problems[0]}")
        answers["targets"] = families
        for warning in _place_warnings(answers["locations"]):
            click.echo(f"Warning: {warning}", err=True)
    else:
        try:
            _ask(answers, taxonomy, bool(targets), _split(targets, ","))
        except click.Abort:
            if _interactive():
                raise
            usage_error(ctx, f"profile init: stdin ended before every question was answered; run it in a "
                             f"terminal, or give the answers as options: {EXAMPLE}")
    text = profile_yaml(answers, taxonomy, "profile.yaml" if to_stdout else output)
    _verify(text, taxonomy, output)
    if to_stdout:
        sys.stdout.write(text)
        return
    write_atomically(Path(output), text)
    summary = f"{len(answers['skills'])} skill(s)"
    if answers["targets"]:
        summary += f", targets {', '.join(family for family, _ in answers['targets'])}"
    quoted = shlex.quote(output)
    click.echo(f"Wrote {output} ({summary}). Check it with `jobmatch profile check {quoted}`, then "
               f"`jobmatch rank {quoted}`.", err=True)


def _check_output(ctx: click.Context, path: Path, force: bool) -> None:
    """Refuse, before any question, a FILE that would be overwritten or cannot be written."""
    if path.is_dir():
        usage_error(ctx, f"-o {path}: is a directory; give a file name")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; give another -o FILE, or --force to overwrite it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.ClickException(f"{path}: folder {folder} is not writable")


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _split(values: tuple[str, ...] | list[str], separator: str) -> list[str]:
    return [item.strip() for value in values for item in str(value).split(separator) if item.strip()]


_SKILL_DETAIL = re.compile(r"^(?P<name>.+?)\s*[:=]\s*(?P<detail>[^:=]*)$")


def _name_and_detail(item: str) -> tuple[str, str]:
    """"pytorch:1 beginner" -> ("pytorch", "1 beginner"), when what follows the colon is years and/or a
    level; else the whole item is the name ("C++", "Node.js")."""
    item = item.strip()
    match = _SKILL_DETAIL.match(item)
    if not match:
        return item, ""
    words = match["detail"].lower().replace("years", " ").replace("year", " ").split()
    numbers = [word for word in words if re.fullmatch(r"\d+(?:\.\d+)?\+?|\.\d+", word)]
    levels = [word for word in words if word in SKILL_LEVELS]
    if len(numbers) + len(levels) == len(words) and len(numbers) <= 1 and len(levels) <= 1:
        return match["name"].strip(), match["detail"].strip()
    return item, ""


def _sentence(text: str) -> str:
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def parse_skills(items: list[str], taxonomy: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """``["python:3", "pytorch:1 beginner", "sql"]`` -> the known skills (id, name as written, years,
    level; one entry a skill, the most years kept) and the names the taxonomy does not know."""
    found: dict[str, dict[str, Any]] = {}
    unknown: list[str] = []
    for item in items:
        name, detail = _name_and_detail(item)
        words = detail.lower().replace("years", " ").replace("year", " ").split()
        years = next((min(70.0, float(word.rstrip("+"))) for word in words if word not in SKILL_LEVELS), None)
        level = next((word for word in words if word in SKILL_LEVELS), None)
        skill_id = taxonomy.resolve(name)
        if skill_id is None:
            if name not in unknown:
                unknown.append(name)
            continue
        previous = found.get(skill_id)
        if previous and (previous["years"] or 0) >= (years or 0):
            continue
        found[skill_id] = {"id": skill_id, "name": name, "years": years, "level": level}
    return list(found.values()), unknown


def unknown_skills_text(unknown: list[str], taxonomy: Any) -> str:
    parts = []
    for name in unknown:
        close = did_you_mean(name, taxonomy)
        parts.append(f"{name!r}" + (f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""))
    return f"unknown skill(s) {', '.join(parts)}; `jobmatch taxonomy list` shows the known ones"


_FIRST_GUESS = re.compile(r"did you mean '([^']+)'")  # in matcher.roles' unknown-target message


def _corrected_targets(names: list[str]) -> list[str]:
    """The names, each unknown one replaced by its closest known name (or left out when none is close)."""
    from jobmatch.matcher.roles import resolve_target

    fixed = []
    for name in names:
        try:
            resolve_target(name)
            fixed.append(name)
        except ValueError as error:
            guess = _FIRST_GUESS.search(str(error))
            if guess:
                fixed.append(guess[1])
    return fixed


def resolve_targets(names: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Each name as a role family (matcher.roles.resolve_target): ([(family, name as written)], errors)."""
    from jobmatch.matcher.roles import resolve_target

    families: dict[str, str] = {}
    problems = []
    for name in names:
        try:
            families.setdefault(resolve_target(name), name)
        except ValueError as error:
            problems.append(str(error))
    return list(families.items()), problems


def _place_warnings(locations: list[str]) -> list[str]:
    from jobmatch.matcher.places import parse_person_places

    return list(parse_person_places(locations).warnings)


def _ask(answers: dict[str, Any], taxonomy: Any, targets_given: bool, targets: list[str]) -> None:
    """The questions, each only when its option was not given: on a terminal as prompts (on stderr),
    else one answer a line from stdin (an empty line takes the default; the end of stdin is Abort)."""
    interactive = _interactive()

    def ask(question: str, default: str = "") -> str:
        if interactive:
            return click.prompt(question, default=default, show_default=bool(default), err=True).strip()
        line = sys.stdin.readline()
        if not line:
            raise click.Abort()
        return line.strip() or default

    if answers["name"] is None:
        answers["name"] = ask("Your name (Enter to leave it out)") or None
    suggestion = ""
    while True:
        items = _split([ask("Your skills, separated by commas (years and level after a colon: "
                            "python:3, sql:1, pytorch:1 beginner)", suggestion)], ",")
        parsed, unknown = parse_skills(items, taxonomy)
        if not items:
            click.echo("Name at least one skill.", err=True)
            continue
        if not unknown:
            answers["skills"] = parsed
            break
        click.echo(_sentence(unknown_skills_text(unknown, taxonomy)), err=True)
        corrected = []
        for item in items:
            name, detail = _name_and_detail(item)
            if name in unknown:
                close = did_you_mean(name, taxonomy)
                if close:
                    corrected.append(close[0] + (f":{detail}" if detail else ""))
            else:
                corrected.append(item)
        suggestion = ", ".join(corrected)
        click.echo("Correct the list (Enter keeps the suggestion).", err=True)
    while answers["years_experience"] is None:
        text = ask("Years of work experience (Enter to leave it out)")
        if not text:
            break
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if 0 <= value <= 70:
            answers["years_experience"] = value
        else:
            click.echo("A number of years between 0 and 70, please.", err=True)
    while answers["education"] is None:
        text = ask(f"Highest degree: {', '.join(EDUCATION_LEVELS)} (Enter to leave it out)").lower()
        if not text:
            break
        if text in EDUCATION_LEVELS:
            answers["education"] = text
        else:
            click.echo(f"One of {', '.join(EDUCATION_LEVELS)}, please.", err=True)
    if not answers["locations"]:
        answers["locations"] = _split([ask("Where would you work? Places separated by ';', e.g. "
                                           "'Berlin; Remote - EU' (Enter for anywhere)")], ";")
    for warning in _place_warnings(answers["locations"]):
        click.echo(f"Note: {warning}", err=True)
    while answers["remote"] is None:
        text = ask("Do you take remote work? yes or no (Enter to leave it out)").lower()
        if not text:
            break
        if text in ("y", "yes", "true"):
            answers["remote"] = True
        elif text in ("n", "no", "false"):
            answers["remote"] = False
        else:
            click.echo("yes or no, please.", err=True)
    suggestion = ", ".join(targets)
    while True:
        if targets_given and suggestion:
            names = targets
        else:
            names = _split([ask("The roles you aim for, separated by commas: role families such as ml_engineer, "
                                "ai_engineer, data_scientist, mlops, or job titles (Enter for every technical role)",
                                suggestion)], ",")
        families, problems = resolve_targets(names)
        if not problems:
            answers["targets"] = families
            return
        targets_given = False
        for problem in problems:
            click.echo(_sentence(problem), err=True)
        suggestion = ", ".join(_corrected_targets(names))
        click.echo("Correct the list (Enter keeps the suggestion).", err=True)


# Writing ----------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_ .+#/&'-]*")


def yaml_scalar(value: Any) -> str:
    """A YAML scalar: plain when that reads back the same (and is safe in a flow list), else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}"
    text = str(value)
    if _PLAIN.fullmatch(text) and " #" not in text and not text.endswith(" ") and _reads_back(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _reads_back(text: str) -> bool:
    import yaml

    try:
        return yaml.safe_load(f"[{text}]") == [text] and yaml.safe_load(f"{text}: 1") == {text: 1}
    except yaml.YAMLError:
        return False


def _flow(values: list[Any]) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"


def _skill_key(skill: dict[str, Any], taxonomy: Any) -> str:
    """The name to write: the taxonomy's label when it reads back as the same skill, else as written."""
    label = taxonomy.skills[skill["id"]].label
    for name in (label, skill["name"], skill["id"]):
        if taxonomy.resolve(name) == skill["id"]:
            return name
    return skill["name"]


def profile_yaml(answers: dict[str, Any], taxonomy: Any, path: str) -> str:
    """The profile as commented YAML; what was not answered is left as a commented example."""
    path = re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", "?", path)  # a comment is one line
    lines = [
        "# A jobmatch profile, written by `jobmatch profile init`. Edit it freely; then check it with",
        f"#   jobmatch profile check {shlex.quote(path)}",
        "# and rank the job postings against it with",
        f"#   jobmatch rank {shlex.quote(path)}",
        "",
        "# Your name (only shown in reports).",
        f"name: {yaml_scalar(answers['name'])}" if answers.get("name") else "# name: Alex",
        "",
        "# Skills: names or aliases from the taxonomy (`jobmatch taxonomy show NAME` looks one up), each",
        "# with the years you have used it, a level (beginner, intermediate, advanced, expert), both as",
        "# {years: 2, level: beginner}, or nothing.",
        "skills:",
    ]
    for skill in answers["skills"]:
        key = yaml_scalar(_skill_key(skill, taxonomy))
        if skill["years"] is not None and skill["level"]:
            lines.append(f"  {key}: {{years: {skill['years']:g}, level: {skill['level']}}}")
        elif skill["years"] is not None:
            lines.append(f"  {key}: {skill['years']:g}")
        elif skill["level"]:
            lines.append(f"  {key}: {skill['level']}")
        else:
            lines.append(f"  {key}:")
    lines += ["", f"# Your highest degree: {', '.join(EDUCATION_LEVELS)}."]
    lines.append(f"education: {answers['education']}" if answers.get("education") else "# education: bachelor")
    lines += ["", "# Years of work experience."]
    years = answers.get("years_experience")
    lines.append(f"years_experience: {years:g}" if years is not None else "# years_experience: 1")
    lines += ["", "# The roles you aim for: role families (ml_engineer, ai_engineer, research_scientist,",
              "# data_scientist, mlops, data_engineer, data_analyst, software_engineer) or job titles such as",
              "# \"MLOps Engineer\". Left out, the postings of every technical role are ranked."]
    families = answers.get("targets") or []
    if families:
        written = [name for family, name in families if name != family]
        lines.append(f"targets: {_flow([family for family, _ in families])}"
                     + (f"  # from {'; '.join(written)}" if written else ""))
    else:
        lines.append("# targets: [ml_engineer]")
    lines += ["", "preferences:",
              "  # Where you would work: cities, countries or regions, and remote scopes such as \"Remote - EU\"."]
    locations = answers.get("locations") or []
    lines.append(f"  locations: {_flow(locations)}" if locations else "  # locations: [Berlin, \"Remote - EU\"]")
    lines.append("  # true: you take remote work; false: you do not.")
    remote = answers.get("remote")
    lines.append(f"  remote: {yaml_scalar(remote)}" if remote is not None else "  # remote: true")
    lines += ["  # The lowest yearly salary you would take, and its currency.",
              "  # min_salary: 60000",
              "  # min_salary_currency: EUR",
              "  # Job titles you want, and companies to leave out.",
              "  # titles: [machine learning engineer]",
              "  # exclude_companies: [Initech]",
              ""]
    return "\n".join(lines)


def _verify(text: str, taxonomy: Any, path: str) -> None:
    """The written profile must load as the answers say; a failure here is a bug, not the user's."""
    from jobmatch.matcher.profile import parse_profile

    try:
        parse_profile(text, taxonomy, path=path, strict=True)
    except ProfileError as error:
        raise RuntimeError(f"the profile written would not load ({error}); nothing was written") from None
