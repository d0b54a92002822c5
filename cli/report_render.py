"""Rendering the report data (``jobmatch.matcher.report.build_report``) as JSON, Markdown, CSV or HTML.

Pure functions from data to text. Posting text is written by strangers, so every format keeps it
inert: HTML through Jinja2 autoescaping (and a Content-Security-Policy that allows no script),
Markdown with its markup characters escaped, CSV with spreadsheet formulas defused; links are made
only from http(s) URLs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

FORMATS = ("md", "html", "csv", "json")
CSV_COLUMNS = (
    "rank", "id", "title", "company", "locations", "url", "score", "fit", "skill_coverage", "lost_to_penalties",
    "new", "first_seen", "matched", "partial", "missing_required", "missing_preferred", "missing_unspecified",
    "penalties", "contributions", "excerpt",
)
_HTTP_URL = re.compile(r"https?://[^/?#\s]", re.IGNORECASE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(data: dict[str, Any], fmt: str) -> str:
    return {"json": render_json, "md": render_markdown, "csv": render_csv, "html": render_html}[fmt](data)


def http_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) one (nothing else becomes a link), else None."""
    if not url:
        return None
    url = url.strip()
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url) or not _HTTP_URL.match(url):
        return None
    return url


# JSON ----------------------------------------------------------------------------------------

def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# CSV -----------------------------------------------------------------------------------------

def render_csv(data: dict[str, Any]) -> str:
    """One row per posting shown, the columns of CSV_COLUMNS (docs/reports.md)."""
    labels = data["labels"]

    def names(ids: list[str]) -> str:
        return "; ".join(labels.get(i, i) for i in ids)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for match in data["matches"]:
        row = {
            "rank": match["rank"], "id": match["id"], "title": match["title"], "company": match["company"],
            "locations": "; ".join(match["locations"]), "url": match["url"], "score": match["score"],
            "fit": match["fit"], "skill_coverage": match["skill_coverage"],
            "lost_to_penalties": match["lost_to_penalties"],
            "new": "yes" if match["new"] else "no", "first_seen": match["first_seen"],
            "matched": names(match["matched"]),
            "partial": "; ".join(f"{labels.get(p['id'], p['id'])} (via {labels.get(p['via'], p['via'])})"
                                 for p in match["partial"]),
            "missing_required": names(match["missing_required"]),
            "missing_preferred": names(match["missing_preferred"]),
            "missing_unspecified": names(match["missing_unspecified"]),
            "penalties": "; ".join(f"{p['reason']} (x{p['factor']:g})" for p in match["penalties"]),
            "contributions": "; ".join(f"{labels.get(c['id'], c['id'])} +{c['points']:g}"
                                       for c in match["contributions"]),
            "excerpt": match.get("excerpt", ""),
        }
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Markdown ------------------------------------------------------------------------------------

def md(text: Any) -> str:
    """Text as literal Markdown: one line, markup characters (and raw HTML) escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text if text is not None else "").split()))


def _md_link(text: str, url: str | None) -> str:
    safe = http_url(url)
    if not safe:
        return md(text) + (f" ({md(url)})" if url else "")
    return f"[{md(text)}](<{_md_destination(safe)}>)"


def _md_destination(url: str) -> str:
    return url.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def render_markdown(data: dict[str, Any]) -> str:
    labels = data["labels"]

    def names(ids: list[str]) -> str:
        return ", ".join(md(labels.get(i, i)) for i in ids)

    summary = data["summary"]
    who = data["profile"]["name"]
    lines = [f"# Match report{': ' + md(who) if who else ''}", ""]
    lines.append(f"Generated {md(data['generated_at'])}. {_context(data)}")
    lines.append("")
    lines.append(f"**Readiness:** {_percent(summary['readiness'])} of the market's skill demand covered; "
                 f"{summary['over_threshold']} of {summary['open_postings']} open posting(s) score over "
                 f"{data['threshold']:g}.")
    lines += ["", "## Top matches", ""]
    if not data["matches"]:
        lines += [_no_matches(data), ""]
    for match in data["matches"]:
        badge = " · **new**" if match["new"] and data["new_since"] else ""
        lines.append(f"### {match['rank']}. {_md_link(match['title'], match['url'])}")
        lines.append("")
        place = ", ".join(match["locations"])
        lines.append(f"{md(match['company'] or 'Unknown company')}{' · ' + md(place) if place else ''} · "
                     f"score **{match['score']:.0f}**/100{badge}")
        lines.append("")
        if match.get("excerpt"):
            lines += [f"> {md(match['excerpt'])}", ""]
        lines.append(f"- Score: {match['fit']:g} from skills"
                     + (f", {match['lost_to_penalties']:g} lost to penalties" if match["penalties"] else ""))
        have = [c for c in match["contributions"] if c["id"] in match["matched"]]
        if have:
            lines.append("- You have: " + ", ".join(f"{md(labels.get(c['id'], c['id']))} (+{c['points']:g})"
                                                     for c in have))
        if match["partial"]:
            points = {c["id"]: c["points"] for c in match["contributions"]}
            lines.append("- Partly: " + ", ".join(
                f"{md(labels.get(p['id'], p['id']))} (via {md(labels.get(p['via'], p['via']))}, "
                f"+{points.get(p['id'], 0):g})" for p in match["partial"]))
        for key, title in (("missing_required", "Missing (required)"), ("missing_preferred", "Missing (nice to have)"),
                           ("missing_unspecified", "Missing (mentioned)")):
            if match[key]:
                lines.append(f"- {title}: {names(match[key])}")
        for penalty in match["penalties"]:
            lines.append(f"- Penalty: {md(penalty['reason'])} (x{penalty['factor']:g})")
        lines.append("")
    lines += ["## What to learn next", ""]
    if data["gaps"]:
        lines += ["| Skill | Value | Why | Learn with |", "|---|---|---|---|"]
        for gap in data["gaps"]:
            resources = "; ".join(_md_link(r["title"] + (f" ({r['provider']})" if r.get("provider") else ""),
                                           r.get("url")) for r in gap["resources"][:3])
            bar = "█" * max(1, round(10 * gap["value"])) if gap["value"] > 0 else ""
            lines.append(f"| {md(gap['label'])} | {bar} | {md(gap['why'])} | {resources or '-'} |")
    else:
        lines.append("No missing technical skills among your target postings.")
    if data.get("also_asked"):
        lines += ["", "Also asked, and you lack (not learn-next items): "
                  + ", ".join(f"{md(a['label'])} ({a['postings']})" for a in data["also_asked"])]
    lines += ["", "## Readiness by skill area", "", "Areas marked *guide* are the guide's own skill areas.", "",
              "| Area | Covered | Demand | Guide |", "|---|--:|--:|---|"]
    for area in data["readiness"]["areas"]:
        lines.append(f"| {md(area['label'])} | {_percent(area['covered'])} | {area['demand']:g} | "
                     f"{'guide' if area['from_guide'] else ''} |")
    lines += ["", "## What the market asks", "", "| Skill | Postings | Share | You |", "|---|--:|--:|---|"]
    for skill in data["market"]:
        you = {"have": "have", "missing": "missing"}.get(skill["coverage"]) or \
            f"partly (via {md(labels.get(skill['via'], skill['via']))})"
        lines.append(f"| {md(skill['label'])} | {skill['postings']} | {_percent(skill['share'])} | {you} |")
    lines.append("")
    return "\n".join(lines)


def _context(data: dict[str, Any], escape=md) -> str:
    """The report's one-sentence context (Markdown-escaped unless told otherwise)."""
    summary = data["summary"]
    parts = [f"{summary['open_postings']} open posting(s)"]
    if data["sample"]:
        parts[0] += " (the bundled illustrative sample)"
    if data["new_since"]:
        parts.append(f"{summary['new_postings']} new since the last report ({escape(data['new_since'])})")
    if data["new_only"]:
        parts.append("showing only those")
    return "; ".join(parts) + "."


def _no_matches(data: dict[str, Any]) -> str:
    if data["new_only"]:
        return "No new postings since the last report."
    return "No open postings to rank."


# HTML ----------------------------------------------------------------------------------------

def render_html(data: dict[str, Any]) -> str:
    """One self-contained page: CSS inline, charts as inline SVG, every value autoescaped."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("jobmatch.cli", "templates"),
                      autoescape=select_autoescape(["html", "html.j2", "svg"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["http_url"] = http_url
    env.filters["percent"] = _percent
    template = env.get_template("report.html.j2")
    return template.render(report=data, labels=data["labels"], context=_context(data, escape=str),
                           segments={m["id"]: score_segments(m, data["labels"]) for m in data["matches"]},
                           no_matches=_no_matches(data))


def score_segments(match: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """A posting's 0..100 score bar: one segment per skill that earned points, then the points lost
    to penalties, then what is missing."""
    segments, x = [], 0.0
    matched = set(match["matched"])
    for contribution in match["contributions"]:
        width = max(float(contribution["points"]), 0.0)
        if width <= 0:
            continue
        kind = "have" if contribution["id"] in matched else "partial"
        segments.append({"x": round(x, 2), "width": round(width, 2), "kind": kind,
                         "label": f"{labels.get(contribution['id'], contribution['id'])} "
                                  f"+{contribution['points']:g} ({contribution['requirement']})"})
        x += width
    lost = float(match["lost_to_penalties"])
    if lost > 0:
        segments.append({"x": round(x, 2), "width": round(lost, 2), "kind": "penalty",
                         "label": f"-{lost:g} lost to penalties"})
        x += lost
    if x < 100:
        segments.append({"x": round(x, 2), "width": round(100 - x, 2), "kind": "missing",
                         "label": f"{100 - x:.1f} for skills you do not have"})
    return segments
