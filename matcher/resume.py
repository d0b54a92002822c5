"""A profile from the résumé a person already has: read a PDF (its text layer), DOCX, Markdown or
plain-text résumé, find what it states, and write a commented ``profile.yaml`` the person edits.

What it reads, and how (nothing is invented: every skill names the line it came from):

- **skills** with the project's own extractor (:class:`jobmatch.taxonomy.extraction.SkillExtractor`,
  rules only), run line by line so a résumé's sections ("About me", "Location: ...") are not read
  as a posting's; degrees go to ``education``, a degree's subject ("MSc in Computer Science") is a
  skill, skills on certification lines are certifications the taxonomy names;
- **years per skill** from the dated entries they appear in ("2019 - 2022", "Mar 2021 - present",
  "06/2015 - 12/2018", "2018-now"; "present" is ``as_of``, default today), the periods of one skill
  united so overlapping jobs count once; a year without a month is taken as mid-year;
- **total professional years** from the timeline: jobs united, internships, student jobs and study
  counted apart (and shown apart in the profile's comments);
- **education**: the highest finished degree, its field and year (one in progress is not counted);
- **spoken languages** with their level ("German (B2)", "native"), **location** when stated,
  **links** (GitHub, LinkedIn, a portfolio) as profile fields;
- unsure readings (a stated total that disagrees with the timeline, "currently learning", a date
  in the future, a language named outside a languages section, ...) are marked ``# check:``.

Privacy: phone numbers, e-mail addresses and street addresses never reach the profile (evidence
lines are scrubbed of them); the résumé is read in memory and stored nowhere.

The formats, chosen by measurement (Python 3.11, 2 cores; résumés written as fixtures, PDFs printed
from HTML by Chromium as the tests do):

- **PDF: pypdfium2** (Google's PDFium, the engine in Chrome; Apache-2.0/BSD). On a 10-page two-column
  résumé it extracts the text in 0.06 s, against 0.85 s for pypdf and 2.5 s for pdfminer.six; all
  three keep a two-column page's columns apart (pypdf's layout mode interleaves them line by line),
  but pdfminer.six splits a table's cells into separate blocks ("Libraries" and "pandas,
  scikit-learn" apart), while PDFium and pypdf keep a row on one line. PDFium also folds ligatures
  ("ﬂuent" -> "fluent"), reads link annotations (a "GitHub" word linking to the profile), opens a PDF
  whose password only restricts editing and refuses one that needs a password to open.
- **DOCX: python-docx**, the maintained reader of Word's format; the body is walked in order through
  paragraphs, tables (a row of one-line cells is one line: "2019 - 2022 | Data Scientist") and text
  boxes (two-column templates), and its hyperlinks' targets are kept as links.
- Markdown and text: read directly (UTF-8, else UTF-16 with a BOM, else Windows-1252 with a note).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jobmatch.matcher.errors import MatcherError
from jobmatch.taxonomy.model import Taxonomy

MAX_RESUME_BYTES = 20 * 1024 * 1024  # a résumé with photos is a few MB; 50 MB is not a résumé
MAX_PAGES = 40
EDUCATION_ORDER = ("none", "bachelor", "master", "phd")
READ_MARK = "# from-resume read:"  # the last line of a written profile: the skills read, for --merge


class ResumeError(MatcherError):
    """A résumé that cannot be read: names the file, says what to do, one line."""

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


# --- reading the file --------------------------------------------------------------------------


@dataclass
class Document:
    """A résumé's text as logical lines, with what the format said beside it."""

    path: str
    kind: str  # pdf | docx | markdown | text
    lines: list[str]
    pages: int | None = None
    links: list[str] = field(default_factory=list)  # link targets the text may not show (annotations)
    notes: list[str] = field(default_factory=list)  # general readings to check (an encoding guess, ...)
    headings: set[int] = field(default_factory=set)  # indices of lines the format marks as headings

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_MAGIC = ((b"%PDF-", "pdf"), (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0", "ole"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"II*\x00", "a TIFF image"),
          (b"MM\x00*", "a TIFF image"), (b"{\\rtf", "rtf"))


def read_document(path: str) -> Document:
    """Read a résumé file into lines; every problem is a :class:`ResumeError` naming the file."""
    file = Path(path)
    if not file.exists():
        raise ResumeError(path, "no such file")
    if file.is_dir():
        raise ResumeError(path, "is a directory, not a résumé file")
    try:
        size = file.stat().st_size
        if size > MAX_RESUME_BYTES:
            raise ResumeError(path, f"file is {size / 1024 / 1024:.0f} MB; a résumé is at most "
                                    f"{MAX_RESUME_BYTES // 1024 // 1024} MB (export it without images)")
        raw = file.read_bytes()
    except OSError as error:
        raise ResumeError(path, f"cannot read: {error.strerror or error}") from None
    if not raw.strip():
        raise ResumeError(path, "is empty")
    suffix = file.suffix.lower()
    kind = next((name for magic, name in _MAGIC if raw.startswith(magic)), None)
    if suffix == ".pdf" and kind != "pdf":
        found = kind if kind and kind.startswith("a ") else "not a PDF"
        raise ResumeError(path, f"is {found} with a .pdf name, not a PDF: export the résumé as PDF with text")
    if kind and kind.startswith("a "):
        raise ResumeError(path, f"is {kind}: export the résumé as PDF with text, DOCX, Markdown or text")
    if kind == "pdf":
        return _read_pdf(path, raw)
    if kind == "ole":
        raise ResumeError(path, "is an old Word .doc (or another Office binary file): save it as .docx or PDF")
    if kind == "rtf":
        raise ResumeError(path, "is RTF: save it as .docx, PDF or text")
    if kind == "zip" or suffix == ".docx":
        return _read_docx(path, raw)
    text, notes = _decode(path, raw)
    if suffix in (".md", ".markdown", ".mdown") or _looks_like_markdown(text):
        lines, headings = _markdown_lines(text)
        lines, headings = _joined(lines, headings)
        return Document(path, "markdown", lines, notes=notes, headings=headings)
    lines, headings = _joined(_clean_lines(text.split("\n")), set())
    return Document(path, "text", lines, notes=notes, headings=headings)


def _decode(path: str, raw: bytes) -> tuple[str, list[str]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    sample = raw[:8192]
    controls = sum(byte < 9 or 13 < byte < 32 for byte in sample)
    if b"\x00" in sample or controls > len(sample) * 0.05:
        raise ResumeError(path, "is a binary file, not a résumé: give a PDF with text, DOCX, Markdown or text")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), ["the file is not UTF-8: read as Windows-1252"]


def _looks_like_markdown(text: str) -> bool:
    head = text[:5000]
    return bool(re.search(r"^#{1,3} \S", head, re.M)) and bool(re.search(r"^#{2,3} \S|\*\*\S", head, re.M))


def _read_pdf(path: str, raw: bytes) -> Document:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ResumeError(path, "is an encrypted PDF that needs a password: save a copy without one") from None
        raise ResumeError(path, "is not a readable PDF (damaged or not a PDF): export it again") from None
    try:
        pages = len(document)
        if pages == 0:
            raise ResumeError(path, "is a PDF with no pages")
        if pages > MAX_PAGES:
            raise ResumeError(path, f"is a PDF of {pages} pages; a résumé has at most {MAX_PAGES}")
        texts, links = [], []
        for index in range(pages):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
            while pdfium_c.FPDFLink_Enumerate(page, ctypes.byref(position), ctypes.byref(link)):
                action = pdfium_c.FPDFLink_GetAction(link)
                if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
                    continue
                length = pdfium_c.FPDFAction_GetURIPath(document, action, None, 0)
                if 0 < length < 2048:
                    buffer = ctypes.create_string_buffer(length)
                    pdfium_c.FPDFAction_GetURIPath(document, action, buffer, length)
                    links.append(buffer.value.decode("utf-8", "replace"))
            textpage.close()
            page.close()
    except pdfium.PdfiumError:
        raise ResumeError(path, "is a PDF whose pages cannot be read (damaged): export it again") from None
    finally:
        document.close()
    text = "\n".join(texts).replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-")
    if len(re.sub(r"\s", "", text)) < 40 * min(pages, 2):
        raise ResumeError(path, "no text found: is it a scan? export it as text or PDF with text")
    lines, headings = _joined(_clean_lines(text.split("\n")), set(), wrapped=True)
    return Document(path, "pdf", lines, pages=pages, links=links, headings=headings)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _read_docx(path: str, raw: bytes) -> Document:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        reason = "not a Word document" if isinstance(error, PackageNotFoundError | KeyError) else "damaged"
        raise ResumeError(path, f"is not a readable DOCX ({reason}): save it again as .docx or PDF") from None
    except Exception as error:  # lxml's XMLSyntaxError and the like: a corrupt part
        raise ResumeError(path, f"is not a readable DOCX (corrupt: {type(error).__name__}): "
                                "save it again as .docx or PDF") from None
    lines: list[str] = []
    headings: set[int] = set()
    links: list[str] = []
    try:
        for section in word.sections[:1]:
            for paragraph in section.header.paragraphs:
                lines.append(paragraph.text)
        _docx_block(word.element.body, lines, headings)
        for relation in word.part.rels.values():
            if relation.reltype.endswith("/hyperlink") and relation.is_external:
                links.append(relation.target_ref)
    except Exception as error:
        raise ResumeError(path, f"is not a readable DOCX (corrupt: {type(error).__name__}): "
                                "save it again as .docx or PDF") from None
    cleaned = _clean_lines(lines)
    if not any(line.strip() for line in cleaned):
        raise ResumeError(path, "is a DOCX with no text")
    cleaned, headings = _joined(cleaned, headings)
    return Document(path, "docx", cleaned, links=links, headings=headings)


def _docx_block(element: Any, lines: list[str], headings: set[int]) -> None:
    """Paragraphs and tables of a body, cell or text box, in document order."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            text, boxes = _docx_paragraph(child)
            style = child.find(f"{_W}pPr/{_W}pStyle")
            style_name = (style.get(f"{_W}val") or "") if style is not None else ""
            listed = child.find(f"{_W}pPr/{_W}numPr") is not None or "List" in style_name
            if text.strip():
                if style_name.lower().startswith(("heading", "title")) or style_name.lower() == "berschrift":
                    headings.add(len(lines))
                lines.append(("- " if listed else "") + text)
            for box in boxes:
                _docx_block(box, lines, headings)
        elif tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [cell for cell in row.iterchildren() if cell.tag == f"{_W}tc"]
                texts = []
                for cell in cells:
                    cell_lines: list[str] = []
                    _docx_block(cell, cell_lines, set())
                    texts.append([line for line in cell_lines if line.strip()])
                if all(len(t) <= 1 for t in texts):
                    row_text = " | ".join(t[0] for t in texts if t)
                    if row_text:
                        lines.append(row_text)
                else:
                    for cell_lines in texts:
                        lines.extend(cell_lines)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _docx_block(content, lines, headings)


def _docx_paragraph(paragraph: Any) -> tuple[str, list[Any]]:
    """A paragraph's own text (tabs and breaks kept as separators) and the text boxes inside it."""
    parts: list[str] = []
    boxes: list[Any] = []
    for node in paragraph.iter():
        if node is paragraph:
            continue
        if any(ancestor.tag == _MC_FALLBACK for ancestor in node.iterancestors()):
            continue  # the VML copy of a text box: its DrawingML twin is read instead
        if node.tag == f"{_W}txbxContent":
            boxes.append(node)
            continue
        owner = next((a for a in node.iterancestors() if a.tag in (f"{_W}p", f"{_W}txbxContent")), None)
        if owner is not paragraph:
            continue
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append(" | ")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts), boxes


_BULLET = re.compile(r"^\s*(?:[•●▪◦‣⁃∙·○■□➢➤►▶✓✔★*+]|-(?!-)|–|—)\s*")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _markdown_lines(text: str) -> tuple[list[str], set[int]]:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    lines: list[str] = []
    headings: set[int] = set()
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if re.fullmatch(r"\s*([-*_=]\s*){3,}", line) or re.fullmatch(r"\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*", line):
            lines.append("")
            continue
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            line = heading.group(2)
            if len(heading.group(1)) <= 2:
                headings.add(len(lines))
        line = _MD_LINK.sub(lambda m: m.group(1) if m.group(1).strip(" <>") in m.group(2) else
                            f"{m.group(1)} ({m.group(2)})" if m.group(1) else m.group(2), line)
        line = re.sub(r"<(https?://[^>\s]+|[^>\s@]+@[^>\s]+)>", r"\1", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        line = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"\1", line)
        line = re.sub(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])", r"\1", line)
        line = re.sub(r"`([^`]*)`", r"\1", line)
        line = re.sub(r"\s{2,}$", "", line)
        if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            line = " | ".join(cell.strip() for cell in line.strip().strip("|").split("|") if cell.strip())
        if line.lstrip().startswith(">"):
            line = line.lstrip()[1:]
        line = line.replace("\\", "") if "\\" in line and not re.search(r"\\\w", line) else line
        lines.append(line)
    return _clean_lines(lines), headings


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _clean_lines(lines: Iterable[str]) -> list[str]:
    cleaned = []
    for line in lines:
        for piece in line.split("\n"):
            piece = unicodedata.normalize("NFKC", piece).replace("\u00ad", "").replace("\ufffe", "")
            piece = re.sub(r"[\u200b-\u200f\u2028\u2029\ufeff\uf0b7\uf0a7\uf076\uf0d8]", " ", piece)
            piece = _UNPRINTABLE.sub(" ", piece)  # control characters YAML (and a reader) cannot take
            piece = piece.replace("\t", " | ") if piece.strip() and "\t" in piece.strip() else piece.replace("\t", " ")
            piece = re.sub(r"(?<=\S) {3,}(?=\S)", " | ", piece.rstrip())
            cleaned.append(piece)
    return cleaned


_SPLIT_DATE = re.compile(r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|\d{4}\s*(?:-|–|—|to))\s*$",
                         re.I)
_CONNECTOR_END = re.compile(r"(?:,|&|\+|/|\b(?:and|or|with|of|in|on|for|to|the|a|an|by|from|using|via|into|at|as|"
                            r"across|over|under|including|such as|like))$", re.I)
_STARTS_CONTACT = re.compile(r"^\s*(?:https?://|www\.|\S+@\S+|[a-z0-9.-]+\.[a-z]{2,}/|\+?\d[\d\s()./-]{6,}|"
                             r"[\w-]+(?:\.[\w-]+)*\.(?:com|dev|io|me|net|org|ai|app|page|site|tech|co|de|uk|eu)\b)", re.I)


def _joined(lines: list[str], headings: set[int], *, wrapped: bool = False) -> tuple[list[str], set[int]]:
    """Lines with hard-wrapped continuations joined ("... on AWS with" + "Terraform."), so a skill or
    a sentence is not cut in two; headings re-indexed. ``wrapped`` (a PDF: every line is wrapped at
    the column's width) also joins a line as long as its column's lines that ends without a stop."""
    result: list[str] = []
    kept: set[int] = set()
    previous_indent = 0
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    wide = lengths[int(len(lengths) * 0.9)] if lengths else 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        before = result[-1].rstrip() if result else ""
        if before and stripped and index not in headings and (len(result) - 1) not in kept \
                and _SPLIT_DATE.search(before) and re.match(rf"(?:{_YEAR}|{_PRESENT})\b", stripped, re.I):
            result[-1] = before + " " + stripped  # "Mar 2022 – Jul" + "2023"
            continue
        if result and stripped and result[-1].strip() and index not in headings and (len(result) - 1) not in kept \
                and not _BULLET.match(line) and not _STARTS_CONTACT.match(stripped) and section_of(stripped) is None \
                and (_period_in(stripped) is None or _CONNECTOR_END.search(before)) and _period_in(before) is None \
                and (_CONNECTOR_END.search(before) or stripped[0].islower()
                     or (indent > previous_indent and _BULLET.match(result[-1]) is not None)
                     or (wrapped and len(before.strip()) >= 0.75 * wide and stripped[0].isalpha())) \
                and not before.endswith((".", ":", ";", "!", "?")) and len(before) < 400:
            result[-1] = before + " " + stripped
            continue
        if index in headings:
            kept.add(len(result))
        result.append(line.rstrip())
        previous_indent = indent
    return result, kept


# --- dates and periods --------------------------------------------------------------------------

_MONTHS = {"jan": 1, "january": 1, "januar": 1, "janvier": 1, "enero": 1, "feb": 2, "february": 2, "februar": 2,
           "febr": 2, "mar": 3, "march": 3, "märz": 3, "maerz": 3, "mrz": 3, "apr": 4, "april": 4, "may": 5,
           "mai": 5, "jun": 6, "june": 6, "juni": 6, "jul": 7, "july": 7, "juli": 7, "aug": 8, "august": 8,
           "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "okt": 10, "oktober": 10, "nov": 11,
           "november": 11, "dec": 12, "december": 12, "dez": 12, "dezember": 12}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (1, 2)}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEASON = "(?:" + "|".join(_SEASONS) + ")"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_PRESENT = (r"(?:present|now|current(?:ly)?|today|ongoing|to date|date|heute|aktuell|jetzt|dato|"
            r"actuel(?:lement)?|presente|actualidad|hoy)")


def _date(prefix: str) -> str:
    return (rf"(?:(?P<{prefix}m>{_MONTH})\s*,?\s*'?(?P<{prefix}y1>{_YEAR})"
            rf"|(?P<{prefix}n>0?[1-9]|1[0-2])\s*[/.]\s*(?P<{prefix}y2>{_YEAR})"
            rf"|(?P<{prefix}y3>{_YEAR})\s*[/.-]\s*(?P<{prefix}n2>0[1-9]|1[0-2])(?![\d])"
            rf"|(?P<{prefix}s>{_SEASON})\s+(?P<{prefix}y4>{_YEAR})"
            rf"|(?P<{prefix}y5>{_YEAR}))")


_SEPARATOR = r"\s*(?:-{1,2}|–|—|‒|―|~|→|->|to|until|till|through|thru|bis|hasta|au)\s*"
PERIOD = re.compile(
    rf"(?<![\w/.])(?:(?:since|seit|from|depuis|desde)\s+(?P<since>{_date('o')})(?![\w/])|{_date('s')}"
    rf"(?:{_SEPARATOR}(?:{_date('e')}|(?P<present>{_PRESENT}))|\s*(?:-|–|—)\s*(?P<open>$|\|)))(?![\w/])", re.I)
_YEAR_ONLY = re.compile(rf"(?<![\d/.-]){_YEAR}(?![\d])")


@dataclass
class Period:
    """A dated entry's span in months since year 0: [start, end)."""

    start: float
    end: float
    text: str
    checks: list[str] = field(default_factory=list)

    @property
    def months(self) -> float:
        return max(0.0, self.end - self.start)


def _month_of(match: re.Match[str], prefix: str, *, end: bool) -> tuple[float, bool] | None:
    """(month index, precise) of one date; an end is exclusive (the month after), a bare year mid-year."""
    group = match.groupdict()
    if group.get(f"{prefix}m"):
        month = _MONTHS[group[f"{prefix}m"].lower().rstrip(".")]
        return int(group[f"{prefix}y1"]) * 12 + month - 1 + (1 if end else 0), True
    if group.get(f"{prefix}n"):
        return int(group[f"{prefix}y2"]) * 12 + int(group[f"{prefix}n"]) - 1 + (1 if end else 0), True
    if group.get(f"{prefix}n2"):
        return int(group[f"{prefix}y3"]) * 12 + int(group[f"{prefix}n2"]) - 1 + (1 if end else 0), True
    if group.get(f"{prefix}s"):
        first, last = _SEASONS[group[f"{prefix}s"].lower()]
        return int(group[f"{prefix}y4"]) * 12 + (last if end else first - 1), True
    if group.get(f"{prefix}y5"):
        return int(group[f"{prefix}y5"]) * 12 + 6, False
    return None


def _as_of_month(as_of: dt.date) -> float:
    return as_of.year * 12 + as_of.month - 1 + (as_of.day - 1) / 31


def _period_in(line: str, as_of: dt.date | None = None) -> Period | None:
    """The first date range of a line ("Mar 2021 – present", "2019-2022", "since 2020")."""
    for match in PERIOD.finditer(line):
        if match.group("since"):
            start = _month_of(match, "o", end=False)
            finish: tuple[float, bool] | None = None
            present = True
        else:
            start = _month_of(match, "s", end=False)
            finish = _month_of(match, "e", end=True)
            present = bool(match.group("present")) or match.group("open") is not None
            if finish is None and not present:
                continue
        if start is None:
            continue
        return _make_period(match.group(0).strip(" |"), start, finish, present, match.group("open") is not None,
                            as_of or dt.date.today())
    return None


def _make_period(text: str, start: tuple[float, bool], finish: tuple[float, bool] | None, present: bool,
                 open_ended: bool, as_of: dt.date) -> Period:
    now = _as_of_month(as_of)
    checks: list[str] = []
    begin = start[0]
    if present:
        end = now
        if open_ended:
            checks.append(f"'{text}' has no end date: read as up to now")
    else:
        assert finish is not None
        end = finish[0]
        if not start[1] and not finish[1] and begin >= end:  # "2019 - 2019": some months within the year
            begin, end = begin - 3, begin + 3
            checks.append(f"'{text}' lies within one year: counted as half a year")
        elif not finish[1] and begin >= end:  # "Mar 2019 - 2019"
            end = begin + 1
    if begin > now:
        checks.append(f"'{text}' starts after {as_of.isoformat()}: not counted")
        end = begin
    elif end > now + 0.5:
        checks.append(f"'{text}' ends after {as_of.isoformat()}: counted up to then")
        end = now
    if end < begin:
        checks.append(f"'{text}' ends before it starts: not counted")
        end = begin
    return Period(begin, end, text, checks)


def union_months(periods: Iterable[Period]) -> float:
    """Months covered by the periods together: overlaps counted once."""
    spans = sorted((p.start, p.end) for p in periods if p.end > p.start)
    total, current = 0.0, None
    for start, end in spans:
        if current is None or start > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = [start, end]
        else:
            current[1] = max(current[1], end)
    if current is not None:
        total += current[1] - current[0]
    return total


def _years(months: float) -> float:
    return round(months / 12, 1)


def _month_name(index: float) -> str:
    whole = int(index)
    return dt.date(whole // 12, whole % 12 + 1, 1).strftime("%b %Y")


# --- privacy ------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_PHONE_LABEL = re.compile(r"\b(?:phone|tel(?:ephone)?|mobile|mob|cell|handy|telefon|fon)\b\.?\s*(?:no\.?|number)?\s*[:.]?\s*"
                          r"(?:\+|00)?[\d\s()./-]{5,}\d", re.I)
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s()./-]{5,}\d(?![\w])")
_STREET = re.compile(
    r"(?:\b\d{1,5}[a-z]?,?\s+(?:[A-Z][\w'.-]*\s+){0,4}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|"
    r"drive|dr|court|ct|way|place|pl|terrace|square|sq|parkway|pkwy|close|crescent|highway|hwy)\b\.?"
    r"|\b[A-ZÄÖÜ][\wäöüß.-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee)\s*\d+\s?[a-z]?\b"
    r"|\b(?:[A-ZÄÖÜ][\wäöüß.-]*\s)+(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer)\s*\d+\s?[a-z]?\b"
    r"|\b(?:rua|avenida|av\.|calle|carrer|via|viale|rue|ul\.|ulica|straat|laan|gatan|gata|vej)\s+[\w .'-]{2,40}?,?\s*\d+[a-z]?\b"
    r"|\b(?:apt|apartment|suite|ste|unit|flat)\b\.?\s*#?\s*\d+[a-z]?\b|\bp\.?\s?o\.?\s?box\s*\d+)", re.I)
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{4,6})\b")
_ADDRESS_LABEL = re.compile(r"\b(?:address|adresse|anschrift|home)\s*:\s*", re.I)


def scrub(text: str) -> str:
    """The line without phone numbers, e-mail and street addresses (dates and years are kept)."""
    dates = [m.span() for m in PERIOD.finditer(text)] + [m.span() for m in _YEAR_ONLY.finditer(text)]

    def keep_dates(pattern: re.Pattern[str], value: str) -> str:
        def replace(match: re.Match[str]) -> str:
            digits = sum(ch.isdigit() for ch in match.group(0))
            if pattern is _PHONE and (digits < 7 or digits > 15):
                return match.group(0)
            if any(s <= match.start() < e or s < match.end() <= e for s, e in dates):
                inside = match.group(0)
                if pattern is _PHONE and (PERIOD.fullmatch(inside.strip()) or _YEAR_ONLY.fullmatch(inside.strip())
                                          or re.fullmatch(r"[\d\s/.–-]*", inside) and digits <= 12):
                    return inside
            return "…"
        return pattern.sub(replace, value)

    text = _EMAIL.sub("…", text)
    text = _PHONE_LABEL.sub("…", text)
    text = keep_dates(_PHONE, text)
    had_street = bool(_STREET.search(text))
    text = _STREET.sub("…", text)
    if had_street or _ADDRESS_LABEL.search(text):
        text = _POSTCODE.sub("", text)
    text = re.sub(r"(?:…\s*[|,·•;/-]?\s*){2,}", "… ", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    return text


# --- sections -----------------------------------------------------------------------------------

_SECTION_WORDS: dict[str, str] = {}
for _kind, _words in {
    "experience": "experience experiences employment work career history positions internships internship "
                  "berufserfahrung berufspraxis praxiserfahrung werdegang expérience expériences experiencia "
                  "esperienza ervaring",
    "education": "education academic studies study degrees degree schooling ausbildung bildung bildungsweg studium "
                 "formation educación formación istruzione opleiding",
    "certifications": "certifications certification certificates certificate licenses licences licence license "
                      "courses training trainings zertifikate zertifizierungen weiterbildung",
    "languages": "languages sprachen sprachkenntnisse langues idiomas lingue talen",
    "skills": "skills skill technologies technology tools toolbox stack competencies competences competence "
              "expertise proficiencies kenntnisse fähigkeiten compétences habilidades competenze vaardigheden "
              "programming",
    "projects": "projects project projekte projets proyectos progetti portfolio",
    "publications": "publications papers talks patents research presentations",
    "volunteering": "volunteering volunteer ehrenamt",
    "awards": "awards honors honours achievements scholarships accomplishments",
    "interests": "interests hobbies interessen hobbys loisirs intereses",
    "references": "references referees referenzen",
    "contact": "contact kontakt",
    "summary": "summary profile about objective overview statement introduction profil kurzprofil perfil "
               "highlights",
}.items():
    for _word in _words.split():
        _SECTION_WORDS[_word] = _kind
_SECTION_PRIORITY = ("experience", "education", "certifications", "languages", "skills", "projects",
                     "publications", "volunteering", "awards", "interests", "references", "contact", "summary")
_SECTION_FILLER = {"my", "key", "core", "technical", "tech", "professional", "relevant", "work", "selected",
                   "other", "additional", "personal", "spoken", "it", "soft", "hard", "and", "me", "of", "the",
                   "recent", "industry", "full", "information", "details", "info", "open", "source", "side",
                   "data", "machine", "learning", "ml", "software", "engineering", "academic", "teaching",
                   "volunteer", "community", "leadership", "extracurricular", "activities", "further", "&",
                   "berufliche", "persönliche", "daten", "a", "at", "glance", "qualifications", "summary"}


def section_of(line: str) -> str | None:
    """The section a heading line opens ("Work Experience" -> experience), or None for other lines."""
    text = line.strip().strip("#*_=|:-–•· \t").strip()
    if not text or len(text) > 45 or re.search(r"\d|[.!?,;]$|@|https?:", text):
        return None
    words = [w for w in re.split(r"[\s&/+,]+|\band\b|\bund\b|\bet\b|\by\b", text.lower()) if w]
    if not words or len(words) > 5 or any(w not in _SECTION_WORDS and w not in _SECTION_FILLER for w in words):
        return None
    kinds = {_SECTION_WORDS[w] for w in words if w in _SECTION_WORDS}
    if "qualifications" in words and not kinds:
        kinds = {"summary"} if "summary" in words else {"education"}
    if "programming" in words or "technical" in words and "languages" in kinds:
        kinds.discard("languages")
        kinds.add("skills")
    if not kinds:
        return None
    if "work" in words and kinds <= {"summary"}:
        return None
    return next(kind for kind in _SECTION_PRIORITY if kind in kinds)


# --- the reading --------------------------------------------------------------------------------


@dataclass
class Entry:
    """A dated entry of the timeline (a job, an internship, a degree)."""

    kind: str  # work | internship | study | project | volunteer
    period: Period
    first: int  # line indices, inclusive
    last: int
    label: str  # the entry's header lines, scrubbed


@dataclass
class ResumeSkill:
    id: str
    key: str  # the name written into the profile (resolves to ``id``)
    category: str = ""
    lines: list[int] = field(default_factory=list)  # indices into Reading.lines
    entries: list[int] = field(default_factory=list)  # indices into Reading.entries (jobs, internships)
    years: float | None = None
    stated_years: float | None = None
    level: str | None = None
    level_text: str | None = None
    source: str = "text"  # skills | experience | education | certification | language | text
    via: list[str] = field(default_factory=list)  # narrower skills whose jobs count for this one
    span: tuple[int, int] | None = None  # where it is named on its first line
    checks: list[str] = field(default_factory=list)


@dataclass
class Degree:
    level: str  # none | bachelor | master | phd
    line: int
    field_text: str | None
    year: int | None
    finished: bool
    text: str


@dataclass
class Reading:
    """What a résumé states, each reading with the line it came from."""

    source: str
    kind: str
    pages: int | None
    as_of: dt.date
    lines: list[str]  # scrubbed lines: what the comments quote
    name: str | None = None
    name_line: int | None = None
    location: str | None = None
    location_line: int | None = None
    links: dict[str, str] = field(default_factory=dict)
    skills: dict[str, ResumeSkill] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    years_experience: float | None = None
    internship_years: float | None = None
    study_years: float | None = None
    stated_total: float | None = None
    stated_total_line: int | None = None
    education: Degree | None = None
    degrees: list[Degree] = field(default_factory=list)
    unlisted_certifications: list[int] = field(default_factory=list)
    unlisted_languages: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    text_language: str = "english"

    @property
    def work_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "work"]

    raw_lines: list[str] = field(default_factory=list, repr=False)  # in memory only: never written

    def quote(self, index: int, limit: int = 110, span: tuple[int, int] | None = None) -> str:
        """Line ``index`` as a comment quotes it: scrubbed, at most ``limit`` characters, around ``span``."""
        raw = self.raw_lines[index] if index < len(self.raw_lines) else self.lines[index]
        start, end = 0, len(raw)
        bullet = _BULLET.match(raw)
        if bullet:
            start = bullet.end()
        if end - start > limit and span is not None and span[1] - start > limit - 10:
            start = max(start, min(span[0] - limit // 3, end - limit))
            start = raw.rfind(" ", 0, start) + 1 if " " in raw[:start] else start
        text = scrub(raw[start:end].strip())
        lead = "…" if start > (bullet.end() if bullet else 0) else ""
        if len(text) > limit - len(lead):
            text = text[:limit - 1 - len(lead)].rstrip() + "…"
        return lead + text


_INTERNSHIP = re.compile(r"\b(intern|interns|internship|praktikum|praktikant\w*|werkstudent\w*|working student|"
                         r"student (?:assistant|job|worker|researcher|developer|engineer|analyst)|teaching assistant|"
                         r"research assistant|tutor|trainee|apprentice\w*|co-?op|summer (?:analyst|associate|"
                         r"student|intern)|stagiaire|pr[aá]cticas|becario|hiwi|wissenschaftliche hilfskraft)\b", re.I)
_GRADUATE_JOB = re.compile(r"\bresearch assistant\b", re.I)
_INTERNSHIP_ONLY = re.compile(r"\b(intern|internship|student|praktikum|werkstudent|trainee|co-?op)\b", re.I)
_STUDENT = re.compile(r"\b(ph\.?\s?d\.?|doctoral|master'?s|bachelor'?s|msc|bsc)\s+(student|candidate|researcher)\b|"
                      r"\bdoktorand\w*\b", re.I)
_LEARNING = re.compile(r"\b(?:(?:currently|now|still) (?:learning|studying|exploring)|basic knowledge of|basics of|"
                       r"familiar with|familiarity with|exposure to|beginner|introductory|some experience with|"
                       r"grundkenntnisse)\b|^\s*(?:learning|studying|exploring|basic|basics)\b", re.I)
_NOT_FINISHED = re.compile(r"\b(expected|candidate|pursuing|in progress|ongoing|current(ly)?|present|now|"
                           r"incomplete|discontinued|dropped out|not completed|(?:ph\.?d\.?|master'?s|msc|bachelor'?s|"
                           r"bsc) student|until|voraussichtlich|laufend)\b", re.I)
_LANGUAGE_LEVELS = (
    ("expert", re.compile(r"\b(native|mother tongue|first language|bilingual|c2|muttersprache|langue maternelle|"
                          r"nativo|nativa|lengua materna)\b", re.I)),
    ("advanced", re.compile(r"\b(fluent|fluency|c1|full professional|proficient|advanced|business fluent|"
                            r"verhandlungssicher|fließend|courant|fluido)\b", re.I)),
    ("intermediate", re.compile(r"\b(b1|b2|professional working|working proficiency|intermediate|good|"
                                r"conversational|upper[- ]intermediate|gut|gute|conversationnel)\b", re.I)),
    ("basic", re.compile(r"\b(a1|a2|basic|elementary|beginner|limited|notions|grundkenntnisse)\b", re.I)),
)
_SKIPPED_SECTIONS = {"interests", "references", "contact"}
_EXPERIENCE_SECTIONS = {"experience", "projects", "volunteering"}


def read_resume(document: Document, taxonomy: Taxonomy, *, as_of: dt.date | None = None,
                extractor: Any = None) -> Reading:
    """Read a document into a :class:`Reading` (pure: no files, no store)."""
    as_of = as_of or dt.date.today()
    lines = document.lines
    reading = Reading(document.path, document.kind, document.pages, as_of, [scrub(line) for line in lines],
                      raw_lines=list(lines))
    sections = _sections(lines, document.headings)
    extractor = extractor or extractor_for(document.text, taxonomy)
    extractions = _extract_lines(extractor, lines)
    _read_timeline(reading, lines, sections, as_of)
    _read_skills(reading, lines, sections, extractions, taxonomy)
    _read_education(reading, lines, sections, extractions, taxonomy, as_of)
    _read_identity(reading, lines, sections, document.links, taxonomy)
    _read_totals(reading, lines, extractions)
    reading.text_language = text_language(document.text)
    reading.checks.extend(document.notes)
    return reading


def extractor_for(text: str, taxonomy: Taxonomy) -> Any:
    """The project's extractor (rules only), built for the skills whose names occur in ``text``.

    Building the extractor for all ~1,200 skills takes about 3 s; a résumé names a few dozen. A
    skill whose names (and inflections) do not occur in the text with its whitespace removed cannot
    match any token sequence of it (the tokenizer only splits, never drops characters), so the
    smaller taxonomy extracts exactly what the whole one would (the tests check it on the fixtures).
    """
    from jobmatch.taxonomy.extraction import SkillExtractor, inflections

    folded = re.sub(r"\s+", "", unicodedata.normalize("NFC", text).lower())
    kept = {}
    for skill in taxonomy.skills.values():
        names = [name.lower() for name in (*skill.plain_names, *skill.context_names)]
        forms = names + [form for name in names for form in inflections(name)]
        if any(re.sub(r"\s+", "", form) in folded for form in forms):
            kept[skill.id] = skill
    small = Taxonomy(skills=kept, categories=taxonomy.categories, version=taxonomy.version)
    if "model" in inspect.signature(SkillExtractor).parameters:
        # The rules only: the trained span model (where installed) is made for postings; on a résumé
        # every skill must trace to a taxonomy name on a line.
        return SkillExtractor(small, model=False)
    return SkillExtractor(small)


def _extract_lines(extractor: Any, lines: list[str]) -> list[Any]:
    """The extractor run on each line alone. A line without a colon or end mark gets " ." so that a
    short line is not taken for a posting's heading ("MACHINE LEARNING ENGINEER")."""
    texts = []
    for line in lines:
        text = _BULLET.sub(lambda m: "-" + " " * (len(m.group(0)) - 1), line, count=1)  # offsets kept
        text = _EMAIL.sub(lambda m: " " * len(m.group(0)), text)
        text = _LINK.sub(lambda m: " " * len(m.group(0)), text)
        if text.strip() and ":" not in text and not text.rstrip().endswith((".", ",", ";", "!", "?")):
            text = text.rstrip() + " ."
        texts.append(text)
    return list(extractor.extract_many((text, None, None) for text in texts))


def _sections(lines: list[str], headings: set[int]) -> list[str]:
    """The section of every line: "header" before the first heading; a heading line is "heading"."""
    kinds: list[str] = []
    current = "header"
    for index, line in enumerate(lines):
        kind = section_of(line)
        inline = None
        if kind is None and ":" in line:
            head, rest = line.split(":", 1)
            head_kind = section_of(head)
            if head_kind and rest.strip():
                inline = head_kind  # "Languages: English, German": a section of one line
        if kind is not None:
            current = kind
            kinds.append("heading")
        elif index in headings and (index > 4 or current != "header"):
            current = "other"
            kinds.append("heading")
        else:
            kinds.append(inline or current)
    return kinds


def _is_header_like(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not _BULLET.match(line) and len(stripped) <= 100 and not stripped.endswith(".")


def _read_timeline(reading: Reading, lines: list[str], sections: list[str], as_of: dt.date) -> None:
    """Dated entries: a line with a date range starts one; its header lines just above belong to it."""
    starts: list[tuple[int, int, Period]] = []  # (first line, date line, period)
    taken: set[int] = set()
    for index, line in enumerate(lines):
        section = sections[index]
        if section in ("heading", "interests", "references", "contact", "languages", "skills"):
            continue
        period = _period_in(line, as_of)
        if period is None:
            continue
        stripped = line.strip()
        if _BULLET.match(line) and not (stripped.endswith(period.text) or _BULLET.sub("", line).startswith(period.text)):
            continue  # "- Led the migration (2019-2020)": a bullet, not a new entry
        first = index
        while first - 1 >= 0 and index - first < 2 and first - 1 not in taken and sections[first - 1] == section \
                and _is_header_like(lines[first - 1]) and _period_in(lines[first - 1], as_of) is None:
            first -= 1
        if first < index and starts and starts[-1][1] >= first - 1 and first > starts[-1][1]:
            # the lines above are the previous entry's own header ("Company\nRole 2019-2022\nRole 2015-2019")
            if not _BULLET.match(lines[first]) and starts[-1][1] == first - 1:
                first = index
        taken.update(range(first, index + 1))
        starts.append((first, index, period))
    for number, (first, date_line, period) in enumerate(starts):
        section = sections[date_line]
        last = len(lines) - 1
        if number + 1 < len(starts):
            last = starts[number + 1][0] - 1
        for index in range(date_line + 1, last + 1):
            if sections[index] != section:
                last = index - 1
                break
        header = [i for i in range(first, min(last, date_line + 2) + 1) if _is_header_like(lines[i])]
        header_text = " ".join(lines[i] for i in header)
        if section == "education":
            kind = "study"
        elif section == "projects":
            kind = "project"
        elif section == "volunteering":
            kind = "volunteer"
        elif _STUDENT.search(header_text):
            kind = "study"
        elif _INTERNSHIP.search(header_text):
            kind = "internship"
        elif section in ("experience", "header", "other", "summary"):
            kind = "work"
        else:
            kind = "project"
        label = scrub(" · ".join(_BULLET.sub("", lines[i]).strip(" |") for i in header))
        label = label.replace(period.text, "").strip(" ,|·–—-()")
        reading.entries.append(Entry(kind, period, first, last, re.sub(r"\s*·\s*(·\s*)+", " · ", label)[:90]))
        for check in period.checks:
            reading.checks.append(f"{check} (line {date_line + 1})")
    studies = [e.period.end for e in reading.entries if e.kind == "study"]
    studies += [int(year) * 12 + 6 for index, line in enumerate(lines) if sections[index] == "education"
                for year in _YEAR_ONLY.findall(line)]
    for entry in reading.entries:
        header = " ".join(lines[entry.first:min(entry.last, entry.first + 2) + 1])
        if entry.kind == "internship" and _GRADUATE_JOB.search(header) and not _INTERNSHIP_ONLY.search(header) \
                and studies and entry.period.start >= max(studies) - 1:
            entry.kind = "work"  # a research assistant after the degree: a job, not a student's


def _read_skills(reading: Reading, lines: list[str], sections: list[str], extractions: list[Any],
                 taxonomy: Taxonomy) -> None:
    entry_of: dict[int, int] = {}
    for number, entry in enumerate(reading.entries):
        for index in range(entry.first, entry.last + 1):
            entry_of.setdefault(index, number)
    for index, extraction in enumerate(extractions):
        section = sections[index]
        if section in _SKIPPED_SECTIONS or section == "heading":
            continue
        line = lines[index]
        certification_line = section == "certifications" or bool(re.search(r"\bcertifi", line, re.I))
        degree_line = any(taxonomy.skills[s.id].degree_level or taxonomy.skills[s.id].category == "degrees"
                          for s in extraction.skills if s.id in taxonomy.skills)
        found_here = []
        for found in extraction.skills:
            skill = taxonomy.skills.get(found.id)
            if skill is None or skill.category == "degrees":
                continue
            if section in ("header", "contact") and found.id in _LINK_WORDS:
                continue  # "GitHub · LinkedIn" in the contact line: links, not skills
            found_here.append(found.id)
            entry = _skill(reading, taxonomy, found.id, line, found.spans)
            entry.lines.append(index)
            if index in entry_of and reading.entries[entry_of[index]].kind in ("work", "internship"):
                if entry_of[index] not in entry.entries:
                    entry.entries.append(entry_of[index])
            stated = _stated_years(line, found.spans)
            if stated is not None and entry.stated_years is None and skill.category != "spoken_languages":
                entry.stated_years = stated
            if entry.source == "text":
                entry.source = ("certification" if certification_line else "education" if section == "education"
                                else "experience" if index in entry_of else
                                "skills" if section == "skills" else "language" if section == "languages" else "text")
            if skill.category == "spoken_languages":
                _language_level(entry, line, found.spans, section)
            elif entry.level is None and found.spans:
                cue = _learning_cue(line, found.spans[0][0])
                if cue:
                    entry.level = "beginner"
                    entry.level_text = cue
            if section == "publications" and len(entry.lines) == 1:
                entry.checks.append("named only in a publication or talk")
        for field_id in extraction.education_fields:
            if field_id in taxonomy.skills and field_id not in found_here and degree_line:
                entry = _skill(reading, taxonomy, field_id, line, [])
                entry.lines.append(index)
                if entry.source == "text":
                    entry.source = "education"
        if certification_line and section == "certifications" and not found_here and not degree_line \
                and line.strip() and _period_in(line) is None:
            reading.unlisted_certifications.append(index)
        if section == "languages":
            for match in re.finditer(r"[A-Za-zÀ-ÿ]+", line):
                skill_id = taxonomy.resolve(match.group(0))
                if skill_id and skill_id not in found_here and skill_id in taxonomy.skills and \
                        taxonomy.skills[skill_id].category == "spoken_languages":
                    # "Polish - native": a name the extractor leaves for want of context; here the section is it
                    entry = _skill(reading, taxonomy, skill_id, line, [match.span()])
                    entry.lines.append(index)
                    entry.source = "language" if entry.source == "text" else entry.source
                    _language_level(entry, line, [match.span()], section)
                    found_here.append(skill_id)
            for word in re.findall(r"[A-Z][a-zà-ÿ]+", line):
                if word.lower() in _KNOWN_UNLISTED_LANGUAGES and word not in reading.unlisted_languages:
                    reading.unlisted_languages.append(word)
    for entry in reading.skills.values():
        # "Kubernetes operators in Go" is Kubernetes used there: a narrower skill's jobs count for the
        # broader skill the résumé names itself (the taxonomy's broader links).
        for other in reading.skills.values():
            if entry.id in taxonomy.skills[other.id].broader:
                via = [n for n in other.entries if n not in entry.entries]
                if via:
                    entry.entries.extend(via)
                    entry.via.append(other.key)
        entry.entries.sort()
        periods = [reading.entries[n].period for n in entry.entries]
        if periods:
            entry.years = _years(union_months(periods))
            if entry.years == 0:
                entry.years = None
        if entry.stated_years is not None:
            if entry.years is not None and abs(entry.years - entry.stated_years) > 1:
                entry.checks.append(f"the résumé states {entry.stated_years:g} years; its dated entries add up to "
                                    f"{entry.years:g}")
            entry.years = entry.stated_years
        if entry.level_text and entry.level == "beginner":
            entry.checks.append(f"'{entry.level_text}': kept as a beginner's skill")
        if taxonomy.skills[entry.id].category == "spoken_languages" and entry.source != "language" \
                and entry.level is None:
            entry.checks.append("a language named outside a languages section: do you speak it?")


_LINK_WORDS = {"github", "gitlab", "linkedin", "kaggle", "hugging_face", "huggingface", "medium", "stack_overflow",
               "bitbucket", "twitter", "orcid", "google_scholar"}
_KNOWN_UNLISTED_LANGUAGES = {"yoruba", "igbo", "hausa", "swahili", "amharic", "bengali", "urdu", "punjabi",
                             "telugu", "marathi", "gujarati", "kannada", "malayalam", "catalan", "basque",
                             "galician", "serbian", "croatian", "bosnian", "slovak", "slovenian", "bulgarian",
                             "lithuanian", "latvian", "estonian", "icelandic", "irish", "welsh", "albanian",
                             "armenian", "georgian", "azerbaijani", "kazakh", "uzbek", "mongolian", "nepali",
                             "sinhala", "khmer", "lao", "burmese", "zulu", "xhosa", "afrikaans", "somali",
                             "luxembourgish", "maltese", "farsi", "mandarin", "filipino"}


def _skill(reading: Reading, taxonomy: Taxonomy, skill_id: str, line: str,
           spans: list[tuple[int, int]]) -> ResumeSkill:
    entry = reading.skills.get(skill_id)
    if entry is None:
        entry = ResumeSkill(skill_id, profile_key(taxonomy, skill_id, [line[s:e] for s, e in spans]),
                            taxonomy.skills[skill_id].category, span=spans[0] if spans else None)
        reading.skills[skill_id] = entry
    return entry


def profile_key(taxonomy: Taxonomy, skill_id: str, written: list[str] | None = None) -> str:
    """The name to write for a skill, in lower case: its label ("ci/cd", "test automation"), else (a
    long label) as the résumé wrote it, else an alias or its id; always one that resolves back to it."""
    skill = taxonomy.skills[skill_id]
    label = [skill.label] if len(skill.label) <= 30 else []
    order = [*label, *(written or []), skill.label, *skill.aliases, skill.id]
    for candidate in order:
        candidate = " ".join(candidate.split()).lower()
        if candidate and taxonomy.resolve(candidate) == skill_id and len(candidate) <= 60:
            return candidate
    return skill_id


_STATED_YEARS = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?|jahre?n?)\b\.?", re.I)


def _stated_years(line: str, spans: list[tuple[int, int]]) -> float | None:
    """Years the line states for this very skill: "Python (5 years)", "Python: 5+ yrs", "5 years of Python"."""
    for match in _STATED_YEARS.finditer(line):
        value = float(match.group(1))
        if not 0 < value <= 50:
            continue
        for start, end in spans:
            before = line[end:match.start()]
            after = line[match.end():start]
            if end <= match.start() and re.fullmatch(r"\s*[(:\-–—,]?\s*(?:~|ca\.?|approx\.?)?\s*", before):
                return value
            if match.end() <= start and re.fullmatch(r"\s*(?:of\s+)?(?:professional\s+|hands-on\s+)?"
                                                      r"(?:experience\s+)?(?:with|in|of|using)?\s*", after):
                return value
    return None


def _learning_cue(line: str, start: int) -> str | None:
    segment_start = max(line.rfind(sep, 0, start) for sep in (";", "|", ". ", "•", "·"))
    segment = line[segment_start + 1:start]
    segment = _BULLET.sub("", segment, count=1) if segment_start < 0 else segment
    cues = list(_LEARNING.finditer(segment))
    return cues[-1].group(0) if cues else None


def _language_level(entry: ResumeSkill, line: str, spans: list[tuple[int, int]], section: str) -> None:
    if entry.level is not None:
        return
    for start, end in spans:
        left = max([line.rfind(sep, 0, start) for sep in (",", ";", "|", "•", "·", "/")] + [-1]) + 1
        rights = [i for i in (line.find(sep, end) for sep in (",", ";", "|", "•", "·")) if i >= 0]
        right = min(rights) if rights else len(line)
        bracket = re.match(r"\s*[(\[]", line[end:])
        if bracket and line.find(")", end) > right:  # "English (IELTS 7.5, professional working proficiency)"
            right = line.find(")", end) + 1
        segment = line[left:right]
        for level, pattern in _LANGUAGE_LEVELS:
            match = pattern.search(segment)
            if match:
                entry.level = level
                entry.level_text = match.group(0)
                return


def _read_education(reading: Reading, lines: list[str], sections: list[str], extractions: list[Any],
                    taxonomy: Taxonomy, as_of: dt.date) -> None:
    has_section = "education" in sections
    for index, extraction in enumerate(extractions):
        if has_section and sections[index] != "education":
            continue
        if sections[index] in _SKIPPED_SECTIONS or sections[index] == "heading":
            continue
        line = lines[index]
        levels: list[tuple[str, int, int]] = []
        for found in extraction.skills:
            skill = taxonomy.skills.get(found.id)
            if skill is None or skill.category != "degrees" or not found.spans:
                continue
            if skill.id == "university_degree" and not has_section:
                continue
            level = skill.degree_level or "none"
            levels.append((level, *found.spans[0]))
        for level, pattern in _DEGREE_WORDS:
            levels.extend((level, m.start(), m.end()) for m in pattern.finditer(line))
        if not levels:
            continue
        level, start, end = max(levels, key=lambda item: EDUCATION_ORDER.index(item[0]))
        nearby = " ".join(lines[i] for i in range(index, min(len(lines), index + 3))
                          if i == index or (sections[i] == sections[index] and not _has_degree(extractions[i], taxonomy)))
        period = _period_in(nearby, as_of)
        years = [int(y) for y in _YEAR_ONLY.findall(line)] or [int(y) for y in _YEAR_ONLY.findall(nearby)]
        year = None
        finished = not _NOT_FINISHED.search(nearby)
        if period is not None:
            year = int(period.end // 12) if not period.checks or "no end" not in " ".join(period.checks) else None
            if re.search(_PRESENT, period.text, re.I) or PERIOD.search(period.text) and \
                    PERIOD.search(period.text).group("open") is not None:
                finished, year = False, None
        elif years:
            year = max(years)
        if year is not None and year > as_of.year:
            finished = False
        field_text = _degree_field(line, start, end)
        reading.degrees.append(Degree(level, index, field_text, year, finished, reading.quote(index)))
    done = [d for d in reading.degrees if d.finished]
    if done:
        reading.education = max(done, key=lambda d: (EDUCATION_ORDER.index(d.level), d.year or 0))
    unfinished = [d for d in reading.degrees if not d.finished and
                  (reading.education is None or EDUCATION_ORDER.index(d.level) > EDUCATION_ORDER.index(reading.education.level))]
    for degree in unfinished:
        reading.checks.append(f"a {degree.level} degree not finished yet (line {degree.line + 1}: "
                              f"\"{degree.text}\"): not counted as your education")


_DEGREE_WORDS = (
    ("phd", re.compile(r"\b(?:ph\.?\s?d\.?|d\.?\s?phil\.?|doctorate|doctor of \w+|doctoral degree|dr\.\s?(?:rer|phil|ing)\.)"
                       r"(?![\w-])", re.I)),
    ("master", re.compile(r"\b(?:master'?s?|m\.\s?sc\.?|msc|m\.s\.|ms(?=\s+(?:in|of)\b|,)|m\.?\s?eng\.?|meng|mba|"
                          r"m\.a\.|ma(?=\s+in\b)|mphil|m\.?\s?tech|mtech|diplom(?:-\w+)?|dipl\.-?\s?\w*|magister|"
                          r"laurea magistrale)(?![\w-])", re.I)),
    ("bachelor", re.compile(r"\b(?:bachelor'?s?|b\.\s?sc\.?|bsc|b\.s\.|bs(?=\s+(?:in|of)\b|,)|b\.a\.|ba(?=\s+(?:in|of)\b)|"
                            r"b\.?\s?eng\.?|beng|b\.?\s?tech|btech|b\.e\.|licenciatura|laurea)(?![\w-])", re.I)),
)


def _has_degree(extraction: Any, taxonomy: Taxonomy) -> bool:
    return any(s.id in taxonomy.skills and taxonomy.skills[s.id].category == "degrees" for s in extraction.skills)


_FIELD_START = re.compile(r"^[\s,.:;–—-]*(?:\((?:hons?|honours|[A-Z]{2,5})\)\s*)?(?:of\s+(?:science|arts|engineering|"
                          r"philosophy|technology|business administration|fine arts|education|laws|"
                          r"mathematics)\b\s*)?(?:\([^)]{0,12}\)\s*)?(?:in|of|,|:|–|-)?\s*", re.I)
_FIELD_END = re.compile(r"\s*(?:,|\||\(|–|—|;|\bat\b|\bfrom\b|\bwith\b|\bminor\b|\b(?:19|20)\d\d\b|·|•| - |$)", re.I)


def _degree_field(line: str, start: int, end: int) -> str | None:
    if end <= start:
        return None
    rest = line[end:]
    lead = _FIELD_START.match(rest)
    rest = rest[lead.end():] if lead else rest
    stop = _FIELD_END.search(rest)
    text = rest[:stop.start()] if stop else rest
    text = text.strip(" .,:;-–")
    if not text or len(text) > 60 or not re.match(r"[A-Za-zÀ-ÿ]", text):
        return None
    if re.match(r"(?i)(university|universität|college|school|institute|tu |eth )", text):
        return None
    return text


_LINK = re.compile(r"(?<![@\w.-])(?:https?://[^\s<>()\[\]|,;\"']+|www\.[^\s<>()\[\]|,;\"']+|"
                   r"(?:github\.com|gitlab\.com|linkedin\.com|[a-z]{2,3}\.linkedin\.com|kaggle\.com|huggingface\.co|"
                   r"scholar\.google\.[a-z.]+|orcid\.org|stackoverflow\.com|medium\.com|bitbucket\.org|"
                   r"behance\.net|dribbble\.com|x\.com|twitter\.com)/[^\s<>()\[\]|,;\"']+)", re.I)
_BARE_SITE = re.compile(r"(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:dev|io|me|com|net|org|ai|app|page|site|"
                        r"tech|xyz|co|de|uk|info|blog|eu|fr|nl|pt|es|it|pl|ca)(?:/[^\s<>()\[\]|,;\"']*)?(?![\w@-])", re.I)
_LINK_KINDS = (("github", "github.com"), ("gitlab", "gitlab.com"), ("linkedin", "linkedin.com"),
               ("kaggle", "kaggle.com"), ("huggingface", "huggingface.co"), ("scholar", "scholar.google."),
               ("orcid", "orcid.org"), ("stackoverflow", "stackoverflow.com"), ("medium", "medium.com"),
               ("bitbucket", "bitbucket.org"), ("twitter", "twitter.com"), ("twitter", "x.com"))
_PROFILE_PATH = {"github": 1, "gitlab": 1, "kaggle": 1, "huggingface": 1, "medium": 1, "bitbucket": 1,
                 "twitter": 1, "linkedin": 2, "stackoverflow": 3, "orcid": 1, "scholar": 9}


def link_kind(url: str) -> str:
    host = re.sub(r"^https?://", "", url.lower()).split("/")[0]
    host = host[4:] if host.startswith("www.") else host
    for kind, domain in _LINK_KINDS:
        if host == domain.rstrip(".") or host.endswith("." + domain.rstrip(".")) or \
                (domain.endswith(".") and host.startswith(domain)):
            return kind
    return "website"


def _normal_link(url: str) -> str:
    url = url.rstrip(".,;:)!?'\"")
    if not re.match(r"https?://", url, re.I):
        url = "https://" + url
    return url.rstrip("/") if url.count("/") > 3 or url.endswith("/") else url


def _read_identity(reading: Reading, lines: list[str], sections: list[str], document_links: list[str],
                   taxonomy: Taxonomy) -> None:
    header = [i for i, s in enumerate(sections) if s in ("header", "contact")][:12]
    if not header:
        header = list(range(min(6, len(lines))))
    reading.name, reading.name_line = _name(lines, header, sections, reading.entries)
    # links
    seen: dict[str, str] = {}
    allowed = set(header) | {i for i, s in enumerate(sections) if s in ("contact", "summary")}
    candidates: list[tuple[str, bool]] = []
    for index, line in enumerate(lines):
        clean = _EMAIL.sub(" ", line)
        for match in _LINK.finditer(clean):
            candidates.append((match.group(0), index in allowed))
        if index in allowed or re.match(r"\s*(links?|web|website|portfolio|github|online)\b", line, re.I):
            for match in _BARE_SITE.finditer(_LINK.sub(" ", clean)):
                if not re.fullmatch(r"[\w-]+\.[a-z]{2,4}", match.group(0), re.I) or \
                        re.search(r"(portfolio|website|web|site|blog|homepage)\s*[:\-]?\s*$", clean[:match.start()], re.I) or \
                        index in allowed:
                    if not _looks_like_skill_name(match.group(0)):
                        candidates.append((match.group(0), True))
    candidates += [(url, False) for url in document_links]
    for raw, in_header in candidates:
        if raw.lower().startswith(("mailto:", "tel:")):
            continue
        url = _normal_link(raw)
        kind = link_kind(url)
        path = [p for p in re.sub(r"^https?://[^/]+", "", url).split("/") if p]
        if kind == "website" and not in_header:
            continue
        if kind != "website" and not in_header and (not path or len(path) > _PROFILE_PATH.get(kind, 1)):
            continue
        if kind != "website" and kind not in ("scholar",) and len(path) > _PROFILE_PATH.get(kind, 1) and \
                kind in seen:
            continue
        key = kind
        if key in seen:
            if seen[key].lower() == url.lower():
                continue
            if kind != "website":
                current_path = [p for p in re.sub(r"^https?://[^/]+", "", seen[key]).split("/") if p]
                if len(path) < len(current_path):
                    seen[key] = url
                continue
            number = 2
            while f"{key} {number}" in seen:
                number += 1
            if any(v.lower() == url.lower() for v in seen.values()):
                continue
            key = f"{key} {number}"
        if any(v.lower().rstrip("/") == url.lower().rstrip("/") for v in seen.values()):
            continue
        seen[key] = url
    reading.links = seen
    # location: an explicit field, else a header segment the gazetteer knows
    reading.location, reading.location_line = _location(lines, [i for i in header if i != reading.name_line],
                                                        sections)


_PARTICLES = {"von", "van", "de", "da", "del", "der", "di", "bin", "al", "le", "la", "dos", "du", "ten", "zu"}


_CREDENTIALS = re.compile(r"^(?:dr|prof|mr|ms|mrs)\.?\s+|,?\s+(?:ph\.?\s?d\.?|msc|m\.sc\.|mba|md|cfa|p\.?eng|"
                          r"dipl\.-\w+\.?)$", re.I)


def _name_like(text: str) -> bool:
    text = _CREDENTIALS.sub("", text).strip()
    words = text.split()
    return 2 <= len(words) <= 4 and not re.search(r"[\d@/:|,()•·+&]", text) and section_of(text) is None and \
        all((w[:1].isupper() and w[1:2].islower() or w.isupper() and len(w) > 1) or w.lower() in _PARTICLES
            for w in words) and not re.fullmatch(r"(?i)(curriculum vitae|résumé|resume|cv|lebenslauf)", text)


def _fold(text: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode())


def _name(lines: list[str], header: list[int], sections: list[str], entries: list[Entry]) -> tuple[str | None, int | None]:
    """The person's name: a line shaped like one that their e-mail or a link spells, else the first
    header line shaped like one (a two-column PDF may put it after the sidebar)."""
    in_entry = {i for e in entries for i in range(e.first, e.last + 1)}
    handles = " ".join(_fold(m.group(0).split("@")[0]) for m in _EMAIL.finditer("\n".join(lines[:60])))
    handles += " " + " ".join(_fold(m.group(0).split("/", 1)[-1]) for m in _LINK.finditer("\n".join(lines[:60])))
    candidates = [i for i in range(min(len(lines), 40)) if i not in in_entry and sections[i] != "heading"
                  and _name_like(_BULLET.sub("", lines[i]).strip(" |"))]

    def spelled(index: int) -> bool:
        words = [_fold(w) for w in _CREDENTIALS.sub("", lines[index].strip()).split() if w.lower() not in _PARTICLES]
        return bool(words) and all(len(w) >= 2 and w in handles for w in words[:1]) and \
            sum(w in handles for w in words) >= min(2, len(words))

    chosen = next((i for i in candidates if spelled(i)), None)
    if chosen is None:
        chosen = next((i for i in candidates if i in header[:3]), None)
    if chosen is None:
        return None, None
    words = _CREDENTIALS.sub("", _BULLET.sub("", lines[chosen]).strip(" |")).split()
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in words), chosen


def _looks_like_skill_name(text: str) -> bool:
    return bool(re.fullmatch(r"(?i)(node|next|vue|react|express|socket|chart|three|d3|backbone|ember|asp|ado)\.\w+", text))


_LOCATION_FIELD = re.compile(r"^\s*(?:location|based in|address|residence|city|wohnort|standort|lives in|"
                             r"currently based in)\s*[:\-–]?\s*(.+)$", re.I)


def _location(lines: list[str], header: list[int], sections: list[str]) -> tuple[str | None, int | None]:
    from jobmatch.matcher.places import parse_posting_location

    candidates: list[tuple[int, str, bool]] = []
    for index, line in enumerate(lines):
        match = _LOCATION_FIELD.match(_BULLET.sub("", line))
        if match and (index in header or sections[index] in ("contact", "summary", "header")):
            candidates.append((index, match.group(1), True))
    for index in header:
        for segment in re.split(r"\s*[|·•∙●◦]\s*|\s+[-–—]\s+|\s{2,}|;", lines[index]):
            candidates.append((index, segment, False))
    for index, segment, explicit in candidates:
        segment = scrub(segment).strip(" …,.|")
        segment = re.sub(r"^(?:…\s*,?\s*)+", "", segment)
        segment = re.sub(r"\b\d{4,6}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", "", segment).strip(" ,")
        segment = re.sub(r"\s{2,}", " ", segment)
        if not segment or len(segment) > 60 or _EMAIL.search(segment) or _LINK.search(segment) or \
                re.search(r"\d", segment):
            continue
        if not explicit and (len(segment.split()) > 5 or section_of(segment)):
            continue
        try:
            place = parse_posting_location(segment)
        except Exception:  # the gazetteer is a nicety here: never a reason to fail a résumé
            continue
        offices = [p for p in place.offices if p.kind in ("city", "country", "subdivision")]
        if not offices:
            continue
        if not explicit:
            known = [p for p in offices if p.kind != "city" or p.known_city]
            if not known:
                continue
            covered = re.sub(r"[\W\d_]+", "", "".join(p.text for p in place.offices).lower())
            if len(covered) < 0.7 * len(re.sub(r"[\W\d_]+", "", segment.lower())):
                continue  # "Machine Learning Engineer in Berlin" names a place, but is not one
        return segment, index
    return None, None


def _read_totals(reading: Reading, lines: list[str], extractions: list[Any]) -> None:
    work = reading.work_entries
    if work:
        reading.years_experience = _years(union_months(e.period for e in work))
    internships = [e for e in reading.entries if e.kind == "internship"]
    if internships:
        reading.internship_years = _years(union_months(e.period for e in internships))
    study = [e for e in reading.entries if e.kind == "study"]
    if study:
        reading.study_years = _years(union_months(e.period for e in study))
    for index, extraction in enumerate(extractions):
        value = extraction.years_experience
        if value is not None and re.search(r"\b(experience|years in|years of)\b", lines[index], re.I):
            reading.stated_total, reading.stated_total_line = float(value), index
            break
    if reading.stated_total is not None:
        if reading.years_experience is None:
            reading.years_experience = reading.stated_total
        elif abs(reading.years_experience - reading.stated_total) > 1:
            reading.checks.append(f"line {reading.stated_total_line + 1} states {reading.stated_total:g} years of "
                                  f"experience; the dated jobs add up to {reading.years_experience:g}")


_STOPWORDS = {
    "english": "the and with for of in to on a an at by from as is was were built led developed using team data".split(),
    "german": "und der die das mit für von im bei auf ist ein eine als zur zum entwicklung daten".split(),
    "french": "et le la les des du de avec pour en sur une un au aux dans développement données".split(),
    "spanish": "y el la los las del de con para en una un por desarrollo datos equipo".split(),
    "portuguese": "e o a os as do da dos das com para em uma um por desenvolvimento dados equipe".split(),
    "italian": "e il la gli le del della di con per in una un sviluppo dati".split(),
    "dutch": "en de het van met voor in op een bij als ontwikkeling gegevens".split(),
    "polish": "i w z na do dla oraz się przez jako danych zespołu".split(),
}


def text_language(text: str) -> str:
    """The language most of the text's little words are in (a rough guess, for a warning)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    counts = {language: sum(word in set(stop) for word in words) for language, stop in _STOPWORDS.items()}
    best = max(counts, key=lambda language: counts[language])
    if counts[best] == 0 or counts["english"] >= 0.6 * counts[best]:
        return "english"
    return best


# --- writing the profile ------------------------------------------------------------------------


def _plain(value: Any) -> str:
    """A YAML scalar that reads back as ``value``: plain where safe, else JSON-quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text and not text.startswith(("'", '"')):
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def _key(value: str) -> str:
    try:
        if yaml.safe_load(f"{value}: 1") == {value: 1} and "#" not in value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def skill_value(skill: ResumeSkill) -> str:
    years = f"{skill.years:g}" if skill.years is not None else None
    if skill.level and years:
        return f"{{years: {years}, level: {skill.level}}}"
    if skill.level:
        return f"{{level: {skill.level}}}"
    return years or ""


def skill_comment(reading: Reading, skill: ResumeSkill) -> str:
    lines = list(dict.fromkeys(skill.lines))
    text = f'from: "{reading.quote(lines[0], 90, skill.span)}"'
    if len(lines) > 1:
        text += f" (+{len(lines) - 1} more line{'s' if len(lines) > 2 else ''})"
    if skill.entries and skill.stated_years is None:
        entries = [reading.entries[n] for n in skill.entries]
        spans = ", ".join(e.period.text for e in entries[:3]) + (", ..." if len(entries) > 3 else "")
        kinds = " incl. internship" if any(e.kind == "internship" for e in entries) else ""
        overlap = "; overlaps once" if union_months(e.period for e in entries) + 0.01 < \
            sum(e.period.months for e in entries) else ""
        via = f" (incl. where it says {', '.join(skill.via)})" if skill.via else ""
        text += f"; years: {spans}{kinds}{overlap}{via}"
    elif skill.stated_years is not None:
        text += "; years as stated"
    if skill.level_text:
        text += f"; level: {skill.level_text}"
    return _comment(text)


def render_profile(reading: Reading, taxonomy: Taxonomy, *, source_name: str | None = None) -> str:
    """The commented profile.yaml of a reading: loads with ``matcher.profile.load_profile``."""
    name = source_name or Path(reading.source).name
    kind = {"pdf": "PDF", "docx": "DOCX", "markdown": "Markdown", "text": "text"}[reading.kind]
    pages = f", {reading.pages} page{'s' if reading.pages != 1 else ''}" if reading.pages else ""
    out = [
        f"# Read from {_comment(name)} ({kind}{pages}) by `jobmatch profile from-resume`; \"present\" = "
        f"{reading.as_of.isoformat()}.",
        "# Each skill names the résumé line it came from; `# check:` marks a reading to confirm.",
        "# Edit freely: `jobmatch profile from-resume RESUME --merge THIS_FILE` adds what is new and keeps your edits.",
        "# Not copied: phone numbers, e-mail and street addresses. The résumé itself is stored nowhere.",
    ]
    for check in reading.checks:
        out.append(f"# check: {_comment(check)}")
    if reading.name:
        out.append(f"name: {_plain(reading.name)}")
    if reading.location:
        out.append(f"location: {_plain(reading.location)}  # from: \"{reading.quote(reading.location_line or 0, 80)}\"")
    if reading.links:
        out.append("links:")
        out.extend(f"  {_key(key)}: {_plain(url)}" for key, url in reading.links.items())
    out.extend(_education_lines(reading))
    out.extend(_experience_lines(reading))
    out.append("skills:")
    ordered = sorted(reading.skills.values(),
                     key=lambda s: (taxonomy.skills[s.id].category == "spoken_languages", -(s.years or 0), s.lines[0]))
    if not ordered:
        out.append("  # none of the taxonomy's skills was found; add yours, e.g. `python: 2`")
    for skill in ordered:
        for check in skill.checks:
            out.append(f"  # check: {_comment(check)}")
        value = skill_value(skill)
        out.append(f"  {_key(skill.key)}:{' ' + value if value else ''}  # {skill_comment(reading, skill)}")
    if reading.unlisted_languages:
        out.append(f"  # languages the taxonomy does not list: {', '.join(reading.unlisted_languages)}")
    out.append("preferences:  # the résumé does not say what you look for: fill these in")
    hint = f"[{reading.location}]" if reading.location else "[Berlin, Remote]"
    out.append(f"  # locations: {hint}")
    out.append("  # remote: true")
    out.append("  # titles: [Machine Learning Engineer]")
    if reading.unlisted_certifications:
        out.append("# Certifications the taxonomy does not name (notes, not skills):")
        out.extend(f"#   {reading.quote(i, 100)}" for i in reading.unlisted_certifications)
    out.append(f"{READ_MARK} {', '.join(sorted(reading.skills))}")
    return "\n".join(out) + "\n"


def _education_lines(reading: Reading) -> list[str]:
    degree = reading.education
    if degree is None:
        return []
    level = degree.level
    details = ", ".join(x for x in (degree.field_text, str(degree.year) if degree.year else None) if x)
    comment = f'from: "{_comment(degree.text)}"' + (f" ({details})" if details else "")
    out = []
    if level == "none":
        out.append(f"# check: {_comment(degree.text)} is not a bachelor's, master's or PhD: education is 'none'")
    out.append(f"education: {level}  # {comment}")
    return out


def _experience_lines(reading: Reading) -> list[str]:
    out = []
    work = reading.work_entries
    apart = []
    if reading.internship_years:
        apart.append(f"internships and student jobs {reading.internship_years:g}")
    if reading.study_years:
        apart.append(f"study {reading.study_years:g}")
    if work:
        first = min(e.period.start for e in work)
        overlap = union_months(e.period for e in work) + 0.01 < sum(e.period.months for e in work)
        text = (f"from the timeline: {len(work)} job{'s' if len(work) != 1 else ''} since {_month_name(first)}"
                f"{', overlaps counted once' if overlap else ''}")
        if apart:
            text += f"; apart: {', '.join(apart)} years"
        out.append(f"years_experience: {reading.years_experience:g}  # {_comment(text)}")
        for entry in reading.entries:
            if entry.kind in ("work", "internship"):
                kind = "" if entry.kind == "work" else ", internship or student job: apart"
                out.append(f"#   {_comment(entry.period.text)}: {_comment(entry.label) or 'a job'} "
                           f"({_years(entry.period.months):g} years{kind})")
    elif reading.years_experience is not None and reading.stated_total_line is not None:
        out.append(f"years_experience: {reading.years_experience:g}  # from: "
                   f"\"{reading.quote(reading.stated_total_line, 90)}\" (no dated jobs found)")
    elif apart:
        out.append(f"# years_experience: no dated jobs found; apart: {', '.join(apart)} years")
    return out


# --- merging into an existing profile -----------------------------------------------------------


@dataclass
class MergeResult:
    text: str
    added: list[str] = field(default_factory=list)  # skill ids added
    kept: list[str] = field(default_factory=list)  # skill ids the profile had (its values kept)
    not_readded: list[str] = field(default_factory=list)  # read before, removed by the person since
    fields_added: list[str] = field(default_factory=list)
    rewritten: bool = False  # comments could not be kept (the profile was re-emitted)


def _previously_read(text: str) -> set[str]:
    for line in reversed(text.splitlines()):
        if line.startswith(READ_MARK):
            return {part.strip() for part in line[len(READ_MARK):].split(",") if part.strip()}
    return set()


def merge_profile(existing: str, reading: Reading, taxonomy: Taxonomy, *, path: str) -> MergeResult:
    """``existing`` (a profile.yaml's text) with what the reading adds: new skills, and fields the
    profile lacks. The person's values, comments and preferences stay as they are; a skill they
    removed since an earlier read (the profile's last line lists those reads) is not added again.
    Raises :class:`ProfileError` for a profile that does not load."""
    from jobmatch.matcher.errors import ProfileError
    from jobmatch.matcher.profile import parse_profile

    parse_profile(existing, taxonomy, path=path, allow_no_skills=True)  # a broken profile is not touched
    data = yaml.safe_load(existing) or {}
    if not isinstance(data, dict):
        raise ProfileError(path, "is not a mapping of profile fields")
    held_names = _skill_names(data.get("skills"))
    held = {taxonomy.resolve(name) for name in held_names} - {None}
    removed = _previously_read(existing) - held
    result = MergeResult(text="")
    result.kept = sorted(s for s in reading.skills if s in held)
    result.not_readded = sorted(s for s in reading.skills if s in removed)
    new = [s for s in sorted(reading.skills.values(), key=lambda s: (-(s.years or 0), s.lines[0]))
           if s.id not in held and s.id not in removed]
    result.added = [s.id for s in new]
    new_lines = [(s.key, skill_value(s), skill_comment(reading, s), s.checks) for s in new]
    text = existing if existing.endswith("\n") or not existing else existing + "\n"
    text = _strip_read_mark(text)
    try:
        text = _insert_skills(text, new_lines)
    except _CannotEdit:
        result.rewritten = True
    additions = []
    if "name" not in data and reading.name:
        additions.append(f"name: {_plain(reading.name)}")
        result.fields_added.append("name")
    if "location" not in data and reading.location:
        additions.append(f"location: {_plain(reading.location)}  # from the résumé")
        result.fields_added.append("location")
    if "links" not in data and reading.links:
        additions.append("links:")
        additions.extend(f"  {_key(k)}: {_plain(v)}" for k, v in reading.links.items())
        result.fields_added.append("links")
    elif isinstance(data.get("links"), dict) and reading.links:
        known = {str(v).lower().rstrip("/") for v in data["links"].values()}
        extra = {k: v for k, v in reading.links.items() if v.lower().rstrip("/") not in known and k not in data["links"]}
        if extra:
            additions.append("# links the résumé has that the profile lacks (add them under links: if you like):")
            additions.extend(f"#   {k}: {v}" for k, v in extra.items())
    if "education" not in data and reading.education:
        additions.extend(_education_lines(reading))
        result.fields_added.append("education")
    elif reading.education and data.get("education") != reading.education.level:
        additions.append(f"# check: the résumé reads education {reading.education.level} "
                         f"(\"{_comment(reading.education.text)}\"); the profile says {data.get('education')}")
    if "years_experience" not in data and reading.years_experience is not None:
        additions.extend(_experience_lines(reading))
        result.fields_added.append("years_experience")
    elif reading.years_experience is not None and isinstance(data.get("years_experience"), int | float) \
            and abs(float(data["years_experience"]) - reading.years_experience) >= 1:
        additions.append(f"# check: the résumé's timeline reads {reading.years_experience:g} years of experience; "
                         f"the profile says {data['years_experience']:g}")
    for skill_id in result.kept:
        skill = reading.skills[skill_id]
        mine = _held_years(data.get("skills"), taxonomy, skill_id)
        if skill.years is not None and (mine is None or abs(mine - skill.years) >= 1):
            additions.append(f"# check: the résumé reads {skill.key} {skill.years:g} years; the profile keeps "
                             f"{'no years' if mine is None else f'{mine:g}'}")
    if result.not_readded:
        additions.append("# not added again (you removed them after an earlier read): "
                         + ", ".join(reading.skills[s].key for s in result.not_readded))
    if additions:
        text += f"# --- from-resume, {reading.as_of.isoformat()}: added from {Path(reading.source).name} ---\n"
        text += "\n".join(additions) + "\n"
    read = sorted(set(reading.skills) | _previously_read(existing))
    text += f"{READ_MARK} {', '.join(read)}\n"
    if result.rewritten or not _keeps(data, text, taxonomy):
        text = _rewrite(data, new, reading, taxonomy, read)
        result.rewritten = True
    parse_profile(text, taxonomy, path=path, allow_no_skills=True)
    result.text = text
    return result


class _CannotEdit(Exception):
    pass


def _strip_read_mark(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(READ_MARK))


def _skill_names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list):
        names = []
        for item in value:
            if isinstance(item, dict):
                names.extend(str(k) for k in item)
            elif item is not None:
                names.append(str(item))
        return names
    return []


def _held_years(value: Any, taxonomy: Taxonomy, skill_id: str) -> float | None:
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        for item in value:
            items.extend(item.items() if isinstance(item, dict) else [(item, None)])
    for name, detail in items:
        if taxonomy.resolve(str(name)) != skill_id:
            continue
        if isinstance(detail, int | float) and not isinstance(detail, bool):
            return float(detail)
        if isinstance(detail, dict) and isinstance(detail.get("years"), int | float):
            return float(detail["years"])
        return None
    return None


def _insert_skills(text: str, new: list[tuple[str, str, str, list[str]]]) -> str:
    """The new skills written into the profile's own ``skills:`` block, beside the person's."""
    if not new:
        return text
    node = yaml.compose(text)
    if node is None or not isinstance(node, yaml.MappingNode):
        raise _CannotEdit
    pair = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "skills"), None)

    def entry_lines(indent: str, dash: bool) -> list[str]:
        lines = []
        for key, value, comment, checks in new:
            lines.extend(f"{indent}# check: {_comment(c)}" for c in checks)
            if dash:
                lines.append(f"{indent}- {_key(key)}{': ' + value if value else ''}  # {comment}")
            else:
                lines.append(f"{indent}{_key(key)}:{' ' + value if value else ''}  # {comment}")
        return lines

    if pair is None:
        return text + "skills:\n" + "\n".join(entry_lines("  ", False)) + "\n"
    key, value = pair
    if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null") and value.tag.endswith(":null"):
        at = _line_end(text, key.end_mark.index)
        return text[:at] + "\n" + "\n".join(entry_lines("  ", False)) + text[at:]
    if isinstance(value, yaml.MappingNode | yaml.SequenceNode) and not value.flow_style and value.value:
        dash = isinstance(value, yaml.SequenceNode)
        first = value.value[0][0] if not dash else value.value[0]
        column = first.start_mark.column
        if dash:
            column = max(0, column - 2)
            line_start = text.rfind("\n", 0, first.start_mark.index) + 1
            dash_at = text.find("-", line_start, first.start_mark.index)
            column = dash_at - line_start if dash_at >= 0 else column
        end = _last_end(value.value[-1][1] if not dash else value.value[-1])
        at = _line_end(text, max(0, end.index - 1) if end.column == 0 else end.index)
        return text[:at] + "\n" + "\n".join(entry_lines(" " * column, dash)) + text[at:]
    if isinstance(value, yaml.MappingNode | yaml.SequenceNode) and value.flow_style:
        data = yaml.safe_load(text[value.start_mark.index:value.end_mark.index])
        block = []
        if isinstance(data, dict):
            block = [f"  {_key(str(k))}:{' ' + _flow(v) if v is not None else ''}" for k, v in data.items()]
        elif isinstance(data, list):
            for item in data:
                if isinstance(item, dict):
                    block.extend(f"  {_key(str(k))}:{' ' + _flow(v) if v is not None else ''}" for k, v in item.items())
                else:
                    block.append(f"  {_key(str(item))}:")
        else:
            raise _CannotEdit
        replacement = "\n" + "\n".join(block + entry_lines("  ", False))
        return text[:value.start_mark.index].rstrip(" ") + replacement + text[value.end_mark.index:]
    raise _CannotEdit


def _last_end(node: Any) -> Any:
    """Where the last scalar of a node ends (a block mapping's own end mark lies past the comments
    that follow it, which belong to the next field)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node.end_mark


def _flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip().removesuffix("...").strip()


def _line_end(text: str, index: int) -> int:
    at = text.find("\n", index)
    return len(text) if at < 0 else at


def _keeps(old: dict[str, Any], text: str, taxonomy: Taxonomy) -> bool:
    """Whether the merged text still holds every value of the old profile."""
    try:
        new = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    if not isinstance(new, dict):
        return False
    for key, value in old.items():
        if key == "skills":
            continue
        if new.get(key) != value:
            return False
    old_skills = _skill_items(old.get("skills"))
    new_skills = _skill_items(new.get("skills"))
    return all(new_skills.get(name, "missing") == detail for name, detail in old_skills.items())


def _skill_items(value: Any) -> dict[str, Any]:
    items: dict[str, Any] = {}
    if isinstance(value, dict):
        items.update({str(k): v for k, v in value.items()})
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                items.update({str(k): v for k, v in item.items()})
            else:
                items[str(item)] = None
    return items


def _rewrite(old: dict[str, Any], new: list[ResumeSkill], reading: Reading, taxonomy: Taxonomy,
             read: list[str]) -> str:
    """The last resort when the text cannot be edited in place: every old value, re-emitted, and
    the new skills with their comments (the old file's comments are lost, its data is not)."""
    merged = dict(old)
    skills = _skill_items(old.get("skills"))
    out = ["# Merged by `jobmatch profile from-resume`: the profile was rewritten (its comments could not be kept)."]
    for key, value in merged.items():
        if key == "skills":
            continue
        out.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip())
    if "education" not in merged and reading.education:
        out.extend(_education_lines(reading))
    if "years_experience" not in merged and reading.years_experience is not None:
        out.extend(_experience_lines(reading))
    out.append("skills:")
    for name, detail in skills.items():
        out.append(f"  {_key(name)}:{' ' + _flow(detail) if detail is not None else ''}")
    for skill in new:
        value = skill_value(skill)
        out.append(f"  {_key(skill.key)}:{' ' + value if value else ''}  # {skill_comment(reading, skill)}")
    out.append(f"{READ_MARK} {', '.join(read)}")
    return "\n".join(out) + "\n"


__all__ = ["Document", "MergeResult", "Reading", "ResumeError", "merge_profile", "read_document", "read_resume",
           "render_profile", "scrub", "section_of", "union_months"]
