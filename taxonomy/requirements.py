"""Reading what a posting asks for around its skills: sections, requirement cues, negation,
years, education and seniority. Pure text rules (no spaCy), shared by the extractor.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

REQUIRED, PREFERRED, UNSPECIFIED = "required", "preferred", "unspecified"
SKIP = "skip"  # sections about the employer or its offer: what they name is not asked for
LEVEL_RANK = {UNSPECIFIED: 0, PREFERRED: 1, REQUIRED: 2}
EDUCATION_LEVELS = ("none", "bachelor", "master", "phd")

_PREFERRED_HEADING = re.compile(
    r"\b(nice[\s-]to[\s-]haves?|bonus( points)?|preferred( qualifications| skills| experience)?|pluses|"
    r"good[\s-]to[\s-]haves?|desirable|desired( skills| qualifications)?|ideally|extra credit|"
    r"would be (great|nice)|stand out|optional|assets?)\b", re.I)
_REQUIRED_HEADING = re.compile(
    r"\b(requirements?|required( skills| qualifications| experience)?|(minimum|basic|key|essential) "
    r"(qualifications|requirements|skills)|qualifications|must[\s-]haves?|what you('ll)? (need|bring|have)|"
    r"what we('re| are) looking for|who you are|you have|you bring|about you|your (profile|skills|background)|"
    r"skills( and| &) experience|experience( and| &) skills|we expect|we('re| are) looking for)\b", re.I)
_NEUTRAL_HEADING = re.compile(
    r"\b(about the (role|team|job|position)|responsibilities|what you('ll| will) do|the role|"
    r"your (role|mission|tasks|responsibilities)|how to apply|the team|our (team|stack|mission)|"
    r"job description|overview|technologies|tech stack|our stack|tools we use)\b", re.I)
# Sections about the employer or what it offers: what they name is not asked of the candidate.
_OFFER_HEADING = re.compile(
    r"\b(about (us|the company|<organization>)|company description|who we are|benefits|perks|we offer|"
    r"what we offer|our offer|compensation|salary|equal opportunit\w*|why (join|work)|our promise|"
    r"what('s| is) in it for you|you get)\b", re.I)
_PREFERRED_CUE = re.compile(
    r"\b(nice[\s-]to[\s-]have|a (big |huge |strong |definite )?plus|are (a )?pluses|bonus|preferred|preferably|"
    r"desirable|desired|ideally|an advantage|advantageous|would be (great|nice|helpful|a plus)|good to have|"
    r"is an asset|a bonus|not required|not a requirement|helpful|beneficial|appreciated|optional)\b", re.I)
_REQUIRED_CUE = re.compile(
    r"\b(required|requirement|must|mandatory|essential|you have|you bring|you will need|"
    r"we (require|need|want|expect|seek|are seeking|are looking for|'re looking for)|"
    r"minimum|at least|proven|solid|strong|proficien(t|cy)|expert(ise)?|\d+\s*\+?\s*(years?|yrs))\b", re.I)
_NEGATION = re.compile(
    r"\b(?:no|not|without)\b[^.;:\n]{0,60}?\b(?:required|needed|necessary|expected|a requirement|mandatory)\b"
    r"|\b(?:is|are)\s+not\s+(?:required|needed|necessary|expected|a requirement|mandatory)\b", re.I)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15}
YEARS = re.compile(
    r"\b(?P<low>\d{1,2}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen)"
    r"(?:\s*\+|\s*plus)?(?:\s*(?:-|–|to)\s*(?P<high>\d{1,2}))?\s*\+?\s*(?:\(\s*\d{1,2}\s*\)\s*)?"
    r"(?:years?|yrs?)\b(?:'|’)?", re.I)
_YEARS_WORD = re.compile(r"(?:years?|yrs?)\b", re.I)
_EXPERIENCE_WORD = re.compile(r"\bexperience\b", re.I)
_EXPERIENCE_NEAR = re.compile(r"\b(experience|exp\b|background|working|work|professional|industry|hands-on)",
                              re.I)
_DEGREE_CONTEXT = re.compile(
    r"\b(degree|diploma|graduate|field|or equivalent|equivalent)\b|\bin (computer|a related|a quantitative|"
    r"a technical|related|math|stat|engineering|physics|cs\b|data|machine|electrical|economics|science|"
    r"operations research|informatics|bioinformatics|artificial)", re.I)
_PHD = re.compile(r"\b(ph\.?\s?d\.?|doctorate|doctoral)(?![a-z])", re.I)
_MASTER = re.compile(r"\b(master'?s?|masters|m\.\s?sc?\.?|msc|m\.s\.|ms|m\.eng|meng|mba|postgraduate)(?![a-z])",
                     re.I)
_BACHELOR = re.compile(r"\b(bachelor'?s?|bachelors|b\.\s?sc?\.?|bsc|b\.s\.|bs|b\.a\.|ba|b\.eng|beng|b\.tech|"
                       r"btech|undergraduate|university degree|college degree|degree)(?![a-z])", re.I)
_NO_DEGREE = re.compile(r"\b(no (formal |university |college )?degree (is )?(required|needed|necessary)|"
                        r"degree (is )?not (required|needed|necessary)|without a degree)\b", re.I)
_EQUIVALENT = re.compile(r"\b(or )?(equivalent|comparable) (practical |work |professional |industry |"
                         r"hands-on )?(experience|practice)|equivalent combination of|or related experience|"
                         r"or similar experience\b", re.I)
SENIORITY = (
    ("intern", re.compile(r"\b(intern|internship|praktikum|werkstudent|working student)\b", re.I)),
    ("principal", re.compile(r"\b(principal|distinguished|fellow)\b", re.I)),
    ("staff", re.compile(r"\bstaff\b", re.I)),
    ("lead", re.compile(r"\b(lead|head of|manager|director)\b", re.I)),
    ("senior", re.compile(r"\b(senior|sr\.?|snr)(?![a-z])", re.I)),
    ("junior", re.compile(r"\b(junior|jr\.?|graduate|entry[\s-]level|new grad|trainee)(?![a-z])", re.I)),
    ("mid", re.compile(r"\b(mid[\s-]level|intermediate|mid[\s-]senior)\b", re.I)),
)
_LIST_ITEM = re.compile(r"\s*([•*·▪●–-]|\d+[.)])\s")
_ROLE_FIELD = re.compile(r"^\s*(role|position|job title|title)\s*:", re.I)
_EMPLOYER_VOICE = re.compile(r"\b(we|we're|we've|our|ours|us)\b", re.I)
_CANDIDATE_VOICE = re.compile(r"\b(you|you're|you'll|you've|your|candidate|applicant)\b", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(•\-*])|\s+[•·▪●]\s+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    level: str  # the requirement level its section or its own words set
    negations: tuple[tuple[int, int], ...]  # character ranges (absolute) where skills are negated
    about_employer: bool = False  # "We build ... with Kafka": describes the company, asks nothing


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    section: str  # the level the headings above set
    inline_heading: str | None = None  # "Nice to have: Docker" sets the level of its own rest
    skipped: bool = False


class PostingLayout:
    """Lines, sentences and sections of a posting, with the requirement level each sentence sets.

    Sections are read for every line; sentences and their cues only where they are asked about
    (``level_at``), since most of a posting names no skill.
    """

    def __init__(self, text: str):
        self.text = text
        self._lines: list[_Line] = []
        self._sentences: dict[int, list[Sentence]] = {}
        section = UNSPECIFIED
        position = 0
        after_role = False
        for line in text.split("\n"):
            line_start, position = position, position + len(line) + 1
            if not line.strip(" \t•*-–·:#"):
                continue
            line_end = line_start + len(line)
            role = _ROLE_FIELD.match(line)
            if role or after_role:
                # "Role: Backend Developer" names the job, not a skill it asks for.
                after_role = bool(role) and not line[role.end():].strip()
                self._lines.append(_Line(line_start, line_end, SKIP, skipped=True))
                continue
            heading = _heading_level(line)
            if heading is None:
                self._lines.append(_Line(line_start, line_end, section))
                continue
            section = heading
            rest = line.split(":", 1)[1] if ":" in line else ""
            if rest.strip():
                self._lines.append(_Line(line_start, line_end, section, inline_heading=heading))
        self._starts = [line.start for line in self._lines]

    def _line_sentences(self, number: int) -> list[Sentence]:
        cached = self._sentences.get(number)
        if cached is not None:
            return cached
        line = self._lines[number]
        text = self.text[line.start:line.end]
        if line.skipped:
            sentences = [Sentence(line.start, line.end, SKIP, ())]
        else:
            sentences = []
            for start, end in _split_sentences(text):
                chunk = text[start:end]
                own = _own_level(chunk)
                level = _level_in(own, line.section)
                if line.inline_heading is not None and line.inline_heading != SKIP and own == UNSPECIFIED:
                    level = line.inline_heading
                # The employer speaking of itself, even inside a requirements section whose end the
                # text does not mark ("We are a global leader in payments."), unless it asks.
                about_employer = own == UNSPECIFIED and bool(_EMPLOYER_VOICE.search(chunk)) \
                    and not _CANDIDATE_VOICE.search(chunk)
                sentences.append(Sentence(line.start + start, line.start + end, level,
                                          tuple(_negated_ranges(text, start, end, line.start)), about_employer))
        self._sentences[number] = sentences
        return sentences

    def sentence_at(self, offset: int) -> Sentence | None:
        number = bisect.bisect_right(self._starts, offset) - 1
        if number < 0 or offset >= self._lines[number].end:
            return None
        for sentence in self._line_sentences(number):
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    @property
    def addresses_candidate(self) -> bool:
        """Whether the text speaks to the candidate anywhere (a requirement, a "you")."""
        return any(s.level in (REQUIRED, PREFERRED) or (s.level == UNSPECIFIED and not s.about_employer)
                   for number in range(len(self._lines)) for s in self._line_sentences(number))

    def about_employer(self, offset: int) -> bool:
        sentence = self.sentence_at(offset)
        return sentence is not None and sentence.about_employer

    def level_at(self, start: int, end: int) -> str | None:
        """The requirement level at a mention, or None when the mention is negated or skipped."""
        sentence = self.sentence_at(start)
        if sentence is None:
            return UNSPECIFIED
        if sentence.level == SKIP:
            return None
        if any(neg_start <= start and end <= neg_end for neg_start, neg_end in sentence.negations):
            return None
        return sentence.level


def _negated_ranges(line: str, start: int, end: int, offset: int) -> list[tuple[int, int]]:
    """Where a sentence says a skill is not needed: "no Java required", "Java is not required"."""
    ranges = []
    for match in _NEGATION.finditer(line, start, end):
        low = match.start()
        if match.group(0).lower().startswith(("is", "are")):
            low = max(start, *(line.rfind(sep, start, match.start()) for sep in (",", ";", " but ", "(")))
        ranges.append((offset + low, offset + match.end()))
    return ranges


def _heading_level(line: str) -> str | None:
    """The level a heading line sets for what follows, or None for a line that is not a heading."""
    head = line.split(":", 1)[0] if ":" in line else line
    head = head.strip(" \t•*-–·#")
    if not head or len(head) > 60 or head.endswith((".", ",")):
        return None
    if ":" not in line and (len(head.split()) > 7 or head[0].islower()):
        return None
    if _LIST_ITEM.match(line) or _NEGATION.search(line):
        return None  # a list item, or a sentence saying what is not needed
    if _PREFERRED_HEADING.search(head):
        return PREFERRED
    if _REQUIRED_HEADING.search(head):
        return REQUIRED
    if _OFFER_HEADING.search(head):
        return SKIP
    if _NEUTRAL_HEADING.search(head):
        return UNSPECIFIED
    if line.rstrip().endswith(":") and len(head.split()) <= 6:
        return UNSPECIFIED  # another heading ("Technologies:", "Job type:") ends the section before it
    return None


def _split_sentences(line: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_BREAK.finditer(line):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(line)))
    return [(s, e) for s, e in spans if line[s:e].strip()]


def _own_level(sentence: str) -> str:
    """The level a sentence's own words set ("is a plus", "must"), whatever its section."""
    if _PREFERRED_CUE.search(sentence):
        return PREFERRED
    if _REQUIRED_CUE.search(sentence):
        return REQUIRED
    return UNSPECIFIED


def _level_in(own: str, section: str) -> str:
    """A sentence's level in its section: a requirement cue inside "Nice to have" stays preferred."""
    if section == SKIP:
        return SKIP
    if own == PREFERRED or (own == REQUIRED and section == PREFERRED):
        return PREFERRED
    return own if own == REQUIRED else section


def years_value(match: re.Match[str]) -> float:
    low = match.group("low").lower()
    return float(_NUMBER_WORDS.get(low, low) if low in _NUMBER_WORDS else float(low))


def education_asked(text: str, layout: PostingLayout) -> tuple[str | None, bool]:
    """The lowest degree the posting requires (or mentions), and whether equivalent experience counts."""
    if _NO_DEGREE.search(text):
        return "none", True
    required: list[str] = []
    mentioned: list[str] = []
    seen: set[int] = set()
    for match in _DEGREE_CONTEXT.finditer(text):
        sentence = layout.sentence_at(match.start())
        if sentence is None or sentence.start in seen or sentence.level == SKIP:
            continue
        seen.add(sentence.start)
        chunk = text[sentence.start:sentence.end]
        levels = [level for level, pattern in (("phd", _PHD), ("master", _MASTER), ("bachelor", _BACHELOR))
                  if pattern.search(chunk)]
        if not levels:
            continue
        lowest = min(levels, key=EDUCATION_LEVELS.index)
        mentioned.append(lowest)
        if sentence.level != PREFERRED:
            required.append(lowest)
    pool = required or mentioned
    if not pool:
        return None, False
    return min(pool, key=EDUCATION_LEVELS.index), bool(_EQUIVALENT.search(text))


def seniority_of(title: str, text: str) -> str | None:
    for name, pattern in SENIORITY:
        if pattern.search(title):
            return name
    head = text[:300]
    for name, pattern in SENIORITY[3:]:
        if name in ("senior", "junior") and pattern.search(head):
            return name
    return None


def experience_years(text: str) -> list[tuple[re.Match[str], float, bool]]:
    """Each years figure with its value and whether it speaks of experience."""
    found = []
    last_end = -1
    for hint in _YEARS_WORD.finditer(text):  # the full pattern only runs just before "year(s)"/"yrs"
        window_start = max(0, hint.start() - 40, last_end)
        for match in YEARS.finditer(text, window_start, min(len(text), hint.end() + 2)):
            if match.start() < last_end:
                continue
            last_end = match.end()
            value = years_value(match)
            if not 0 < value <= 25:
                continue
            after = text[match.end():match.end() + 60]
            before = text[max(0, match.start() - 25):match.start()]
            about_experience = bool(_EXPERIENCE_NEAR.search(after) or _EXPERIENCE_WORD.search(before))
            found.append((match, value, about_experience))
    return found
