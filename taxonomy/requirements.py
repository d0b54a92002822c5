"""Reading what a posting asks for around its skills: sections, requirement cues, negation,
years, education and seniority. Pure text rules (no spaCy), shared by the extractor.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

REQUIRED, PREFERRED, UNSPECIFIED = "required", "preferred", "unspecified"
SKIP = "skip"  # sections about the employer or its offer: what they name is not asked for
LEVEL_RANK = {UNSPECIFIED: 0, PREFERRED: 1, REQUIRED: 2}
EDUCATION_LEVELS = ("none", "bachelor", "master", "phd")

_PREFERRED_HEADING = re.compile(
    r"\b(nice[\s-]to[\s-]haves?|bonus( points)?|preferred( qualifications| skills| experience| requirements)?|"
    r"pluses|good[\s-]to[\s-]haves?|desirable|desired( skills| qualifications)?|ideally|extra (credit|points)|"
    r"would be (great|nice)|stand out|set(s)? you apart|optional|assets?|even better|you may (also )?have|"
    r"highly competitive candidates|additional(ly)? (qualifications|skills)|it'?s a plus|plus points|"
    r"von vorteil|w[üu]nschenswert|idealerweise|pluspunkte|optional|wäre schön|nice if)\b", re.I)
_REQUIRED_HEADING = re.compile(
    r"\b(requirements?|required( skills| qualifications| experience)?|(minimum|basic|key|essential|core) "
    r"(qualifications|requirements|skills)|qualifications|must[\s-]haves?|what you('ll| will)? (need|bring|have)|"
    r"what we('re| are)? look(ing)? for|who you are|you have|you bring|you need|about you|"
    r"your (profile|skills|background|experience|qualifications)|skills( and| &) experience|"
    r"experience( and| &) (skills|qualifications)|we expect|we('re| are) looking for|who we('re| are) looking for|"
    r"to land this job|could (that|this) be you|you'll thrive|you will thrive|ideal candidate|"
    r"skills you('ll)? need|qualities we look for|what it takes|how to be successful|you('ll)? be a (great )?fit|"
    r"dein profil|ihr profil|anforderungen|qualifikationen?|was (du|sie) mitbringst|das bringst du mit|"
    r"das bringen sie mit|was wir (von dir )?erwarten|deine skills|dein hintergrund)\b", re.I)
_NEUTRAL_HEADING = re.compile(
    r"\b(about the (role|team|job|position|opportunity)|about this (role|job|position)|responsibilities|"
    r"what you('ll| will)( be)? (do|doing|work on|working on|achieve)|the role|role overview|"
    r"your (role|mission|tasks|responsibilities|impact)|how to apply|the team|our (team|stack|mission|tech)|"
    r"job description|overview|technologies|tech stack|our stack|tools we use|in this role|you will|the opportunity|"
    r"deine aufgaben|ihre aufgaben|aufgaben|deine rolle|die rolle|dein job)\b", re.I)
# Sections about the employer or what it offers: what they name is not asked of the candidate.
_OFFER_HEADING = re.compile(
    r"\b(about (us|the company|<organization>)|company (description|overview)|who we are|who are we|benefits|perks|"
    r"we offer|what we offer|our offer|compensation|salary|pay (range|transparency)|equal (employment )?opportunit\w*|"
    r"why (join|work)|our promise|what('s| is) in it for you|you get|our (culture|values|story|approach)|"
    r"in the news|interview(ing)? process|hiring process|how we hire|referral|notices|conditions of employment|"
    r"life at|what we do|what sets us apart|what makes us different|follow us|"
    r"wir bieten|was wir bieten|über uns|unser angebot|benefits|das erwartet dich)\b", re.I)
# "About Acme": the employer introducing itself, unless it is about the role, the team or you.
_ABOUT_EMPLOYER_HEADING = re.compile(r"^\s*(about|meet|more about|working at|why)\s+(?!the (role|team|job|position|"
                                     r"opportunity)\b|this (role|job|position)\b|you\b|the candidate)\S", re.I)
# Lines that describe the job's metadata, not what it asks for.
_METADATA_FIELD = re.compile(
    r"^\s*(industry|industries|company size|company type|employment type|job type|contract type|location|"
    r"locations|department|function|job function|seniority( level)?|level|category|categories|salary|"
    r"compensation|posted|date posted|start date|work(place)? type|job id|req(uisition)? id|team|reports to|"
    r"travel|schedule|hours|branche|standort|arbeitszeit|anstellungsart)\s*:", re.I)
# Tag lines list the job's technologies: what they name is asked for.
TAG_LINE = re.compile(r"^\s*[•*·▪●–-]?\s*(technolog(y|ies)|tech(nology)? stack|stack|skills|tags|tools|"
                      r"key skills|keywords|required skills|tech)\s*:", re.I)
_PREFERRED_CUE = re.compile(
    r"\b(nice[\s-]to[\s-]have|a (big |huge |strong |definite |real |great )?plus|are (a )?pluses|bonus|preferred|"
    r"preferably|desirable|desired|ideally|an advantage|advantageous|would be (great|nice|helpful|a plus)|"
    r"good to have|is an asset|a bonus|not required|not a requirement|helpful|beneficial|appreciated|optional|"
    r"von vorteil|w[üu]nschenswert|idealerweise|ein plus|gerne)\b", re.I)
# A preferred cue that governs only what follows it in its clause ("Python, and ideally Spark").
_FORWARD_PREFERRED_CUE = re.compile(r"\b(ideally|preferably|bonus if|plus if|bonus points (if|for)|"
                                    r"even better if|idealerweise)\b", re.I)
# A cue in brackets governs the item just before it: "SQL, Spark (preferred)".
_BRACKET_PREFERRED_CUE = re.compile(r"\((preferred|a plus|nice to have|bonus|optional|desired|ideally|"
                                    r"von vorteil|plus)\)", re.I)
_REQUIRED_CUE = re.compile(
    r"\b(required|requirement|must|mandatory|essential|you have|you bring|you will need|you need|"
    r"we (require|need|want|expect|seek|are seeking|are looking for|'re looking for)|"
    r"minimum|at least|proven|solid|strong|proficien(t|cy)|expert(ise)?|\d+\s*\+?\s*(years?|yrs)|"
    r"erforderlich|vorausgesetzt|voraussetzung|mindestens|sehr gute|fundierte|sichere)\b", re.I)
_NEGATION = re.compile(
    r"\b(?:no|not|without)\b[^.;:\n]{0,60}?\b(?:required|needed|necessary|expected|a requirement|mandatory)\b"
    r"|\b(?:is|are)\s+not\s+(?:required|needed|necessary|expected|a requirement|mandatory)\b", re.I)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15}
YEARS = re.compile(
    r"\b(?P<low>\d{1,2}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen)"
    r"(?:\s*\+|\s*plus)?(?:\s*(?:-|–|to)\s*(?P<high>\d{1,2}))?\s*\+?\s*(?:\(\s*\d{1,2}\s*\)\s*)?"
    r"(?:years?|yrs?|jahren?)\b(?:'|’)?", re.I)
_YEARS_WORD = re.compile(r"(?:years?|yrs?|jahren?)\b", re.I)
_EXPERIENCE_WORD = re.compile(r"\bexperience\b", re.I)
_EXPERIENCE_NEAR = re.compile(r"\b(experience|exp\b|background|working|work|professional|industry|hands-on|"
                              r"erfahrung|berufserfahrung|praxis)",
                              re.I)
_DEGREE_CONTEXT = re.compile(
    r"\b(degree|diploma|graduate|field|or equivalent|equivalent)\b|\bin (computer|a related|a quantitative|"
    r"a technical|related|math|stat|engineering|physics|cs\b|data|machine|electrical|economics|science|"
    r"operations research|informatics|bioinformatics|artificial)", re.I)
_PHD = re.compile(r"\b(ph\.?\s?d\.?|doctorate|doctoral)(?![a-z])", re.I)
_MASTER = re.compile(r"\b(master'?s?|masters|m\.\s?sc?\.?|msc|m\.s\.|ms|m\.eng|meng|mba|postgraduate)(?![a-z])",
                     re.I)
_BACHELOR_EXPLICIT = re.compile(r"\b(bachelor'?s?|bachelors|b\.\s?sc?\.?|bsc|b\.s\.|bs|b\.a\.|ba|b\.eng|beng|"
                                r"b\.tech|btech|undergraduate)(?![a-z])", re.I)
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
_CANDIDATE_VOICE = re.compile(r"\b(you|you're|you'll|you've|your|candidate|applicant|du|dich|dein|deine|ihr|sie)\b",
                              re.I)
# Words that speak of the candidate's abilities, whoever the sentence's subject is.
_CANDIDATE_ASK = re.compile(r"\b(experience (with|in|of|using|building)|familiar(ity)? with|knowledge of|"
                            r"understanding of|ability to|skills? in|hands-on|background in|comfortable with|"
                            r"proficien\w*|expertise|fluen\w*|track record)\b", re.I)
# Words about the job itself: a sentence with them is about the role, not the company pitch.
_ROLE_WORDS = re.compile(r"\b(role|position|this job|the job|join (our|the) team|hiring|looking for|seeking|"
                         r"engineer|scientist|developer|analyst|intern)\b", re.I)
# The employer naming the stack the job works with: those names are asked for, in effect.
_STACK_TALK = re.compile(r"\b(we use|we're using|we are using|using|built (on|with|in)|written in|run(s)? on|"
                         r"(our|the) (tech(nology)?|tool|data|ml|software)?\s?stack|tech stack|we work with|"
                         r"leverag\w+|rel(y|ies) on|powered by|our tools|tooling|we develop in|we write)\b", re.I)
# A company as the subject of a sentence describing it: "GitLab is the ...", "Juniper Networks is
# enrolled in E-Verify", "Acme provides ...".
_COMPANY_SUBJECT = re.compile(
    r"\s*(?:At\s+)?[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|of|for|and|&)){0,4}\s+"
    r"(?:is|are)\s+(?:a|an|the|one of|on a mission|building|redefining|transforming|reinventing|enrolled|"
    r"committed|proud|headquartered|backed|based|an? equal|funded|trusted|used by|the world)\b|"
    r"\s*[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}\s+(?:provides|offers|builds|develops|helps|empowers|"
    r"enables|powers|delivers|creates|serves|operates|participates|was founded|has raised|is enrolled|"
    r"partners with|specializes|specialises)\b")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z(•\-*])|(?<=;)\s+|\s+[•·▪●]\s+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    level: str  # the requirement level its section or its own words set
    negations: tuple[tuple[int, int], ...]  # character ranges (absolute) where skills are negated
    about_employer: bool = False  # "We build ... with Kafka": describes the company, asks nothing
    # Parts of the sentence whose level a scoped cue sets: (start, end, level), absolute offsets
    # ("Python and SQL, ideally Spark": Spark alone is preferred).
    scoped: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    section: str  # the level the headings above set
    inline_heading: str | None = None  # "Nice to have: Docker" sets the level of its own rest
    skipped: bool = False
    tag_line: bool = False  # "Tech stack: java rest spring": every name in it is a technology


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
        first_heading: int | None = None  # where the first heading about the job or the candidate starts
        for line in text.split("\n"):
            line_start, position = position, position + len(line) + 1
            if not line.strip(" \t•*-–·:#"):
                continue
            line_end = line_start + len(line)
            role = _ROLE_FIELD.match(line)
            if _METADATA_FIELD.match(line) and not TAG_LINE.match(line):
                # "Industry: Data Science", "Employment type: Full-time": facts about the job.
                self._lines.append(_Line(line_start, line_end, SKIP, skipped=True))
                continue
            if role or after_role:
                # "Role: Backend Developer" names the job, not a skill it asks for.
                after_role = bool(role) and not line[role.end():].strip()
                self._lines.append(_Line(line_start, line_end, SKIP, skipped=True))
                continue
            tag_line = bool(TAG_LINE.match(line))
            heading = None if tag_line else _heading_level(line)
            if heading is None:
                self._lines.append(_Line(line_start, line_end, section, tag_line=tag_line))
                continue
            section = heading
            if first_heading is None and heading != SKIP:
                first_heading = line_start
            rest = line.split(":", 1)[1] if ":" in line else ""
            if rest.strip():
                self._lines.append(_Line(line_start, line_end, section, inline_heading=heading))
        self._starts = [line.start for line in self._lines]
        self._first_heading = first_heading

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
                sentences.append(_read_sentence(text, start, end, line))
        self._sentences[number] = sentences
        return sentences

    def is_tag_line(self, offset: int) -> bool:
        """Whether the offset lies in a tag line ("Technologies: java rest spring")."""
        number = bisect.bisect_right(self._starts, offset) - 1
        return 0 <= number and offset < self._lines[number].end and self._lines[number].tag_line

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
        """The employer speaking of itself: a sentence in its voice, or the company pitch that opens
        a posting before its first heading, when it neither addresses the candidate nor names the
        stack ("Allium makes blockchain data accurate, simple and fast")."""
        sentence = self.sentence_at(offset)
        if sentence is None:
            return False
        if sentence.about_employer:
            return True
        if self._first_heading is None or offset >= self._first_heading or sentence.level != UNSPECIFIED:
            return False
        chunk = self.text[sentence.start:sentence.end]
        return not (_CANDIDATE_VOICE.search(chunk) or _CANDIDATE_ASK.search(chunk) or _STACK_TALK.search(chunk)
                    or _ROLE_WORDS.search(chunk))

    def is_negated(self, start: int, end: int) -> bool:
        """Whether the text says this mention is not needed ("No Java required")."""
        sentence = self.sentence_at(start)
        return sentence is not None and any(a <= start and end <= b for a, b in sentence.negations)

    def level_at(self, start: int, end: int) -> str | None:
        """The requirement level at a mention, or None when the mention is negated or skipped."""
        sentence = self.sentence_at(start)
        if sentence is None:
            return UNSPECIFIED
        if sentence.level == SKIP:
            return None
        if any(neg_start <= start and end <= neg_end for neg_start, neg_end in sentence.negations):
            return None
        for part_start, part_end, level in sentence.scoped:
            if part_start <= start < part_end:
                return level
        return sentence.level


def _read_sentence(text: str, start: int, end: int, line: _Line) -> Sentence:
    """One sentence of a line (``text`` is the line, offsets relative to it): its level, the parts a
    scoped cue governs, its negations, and whether it is the employer speaking of itself."""
    chunk = text[start:end]
    scoped: list[tuple[int, int, str]] = []
    plain = chunk
    forward = _FORWARD_PREFERRED_CUE.search(chunk)
    if forward is not None and forward.start() > 0:
        # "Python and SQL; ideally Spark": what follows the cue is preferred, what precedes is not.
        clause_end = _clause_end_in(chunk, forward.end())
        scoped.append((line.start + start + forward.start(), line.start + start + clause_end, PREFERRED))
        plain = chunk[:forward.start()] + chunk[clause_end:]
    for bracket in _BRACKET_PREFERRED_CUE.finditer(chunk):
        # "SQL, Spark (preferred)": the item just before the bracket.
        item_start = max(chunk.rfind(sep, 0, bracket.start()) for sep in (",", ";", "(", " and ", " or "))
        item_start = 0 if item_start < 0 else item_start + 1
        scoped.append((line.start + start + item_start, line.start + start + bracket.end(), PREFERRED))
        plain = plain.replace(bracket.group(0), " ")
    if not scoped:
        backward = _trailing_preferred_part(chunk)
        if backward is not None:
            # "Strong Python required, Spark a plus": the cue governs its own comma part only.
            scoped.append((line.start + start + backward, line.start + end, PREFERRED))
            plain = chunk[:backward]
    if scoped and not _PREFERRED_CUE.search(plain):
        own = _own_level(plain)
    else:
        own = _own_level(chunk)
    level = _level_in(own, line.section)
    if line.inline_heading is not None and line.inline_heading != SKIP and own == UNSPECIFIED:
        level = line.inline_heading
    # The employer speaking of itself, even inside a requirements section whose end the text does
    # not mark ("We are a global leader in payments", "GitLab is the DevSecOps platform"), unless it
    # asks something of the candidate or names the stack the job works with ("we build on Kafka").
    about_employer = own == UNSPECIFIED and not line.tag_line and \
        bool(_EMPLOYER_VOICE.search(chunk) or _COMPANY_SUBJECT.match(chunk)) and \
        not _CANDIDATE_VOICE.search(chunk) and not _CANDIDATE_ASK.search(chunk) and not _STACK_TALK.search(chunk)
    return Sentence(line.start + start, line.start + end, level,
                    tuple(_negated_ranges(text, start, end, line.start)), about_employer, tuple(scoped))


def _trailing_preferred_part(chunk: str) -> int | None:
    """Where the last comma part starts when only it carries a preferred cue and an earlier part
    carries a requirement cue; else None."""
    cut = chunk.rfind(", ")
    if cut <= 0:
        return None
    head, tail = chunk[:cut], chunk[cut:]
    if _PREFERRED_CUE.search(tail) and not _PREFERRED_CUE.search(head) and _REQUIRED_CUE.search(head):
        return cut + 1
    return None


def _clause_end_in(chunk: str, start: int) -> int:
    ends = [index for index in (chunk.find(sep, start) for sep in (";", ". ", " but ")) if index >= 0]
    return min(ends) if ends else len(chunk)


def _negated_ranges(line: str, start: int, end: int, offset: int) -> list[tuple[int, int]]:
    """Where a sentence says a skill is not needed: "no Java required", "Java is not required"."""
    ranges = []
    for match in _NEGATION.finditer(line, start, end):
        low = match.start()
        if match.group(0).lower().startswith(("is", "are")):
            low = max(start, *(line.rfind(sep, start, match.start()) for sep in (",", ";", " but ", "(")))
        ranges.append((offset + low, offset + match.end()))
    return ranges


_BARE_HEADING = {
    "experience": REQUIRED, "skills": REQUIRED, "profile": REQUIRED, "you": REQUIRED, "required": REQUIRED,
    "must": REQUIRED, "preferred": PREFERRED, "bonus": PREFERRED, "plus": PREFERRED, "extras": PREFERRED,
    "role": UNSPECIFIED, "team": UNSPECIFIED, "mission": UNSPECIFIED, "impact": UNSPECIFIED,
    "location": SKIP, "culture": SKIP, "values": SKIP, "community": SKIP, "eoe": SKIP,
}
_HEADING_WORDS = {
    "what", "will", "would", "we", "we'd", "we'll", "you", "you'll", "you'd", "your", "our", "the", "a", "an", "who",
    "how", "to", "be", "is", "are", "and", "for", "this", "that", "it", "in", "also", "even", "some", "other", "key",
    "highly", "additional", "additionally", "technical", "core", "desired", "required", "minimum", "preferred",
    "basic", "must", "nice", "more", "things", "skills", "qualifications", "me", "my", "job", "role", "position",
    "team", "about", "why", "ideal", "successful", "great", "strong", "bonus", "points", "extra", "here's",
    "here", "if", "do", "have", "has", "can", "could", "should", "might", "may", "so", "all", "really"}
_ALL_CAPS = re.compile(r"[^a-z]*[A-Z]{2}[^a-z]*")
_HEADING_CUES = ((PREFERRED, _PREFERRED_HEADING), (REQUIRED, _REQUIRED_HEADING), (SKIP, _OFFER_HEADING),
                 (UNSPECIFIED, _NEUTRAL_HEADING))


def _heading_level(line: str) -> str | None:
    """The level a heading line sets for what follows, or None for a line that is not a heading.

    A heading is short and shaped like one: it ends with a colon, or its cue opens it ("Preferred
    qualifications", "What will set you apart", "Bonus points if you have"). A requirement line
    that carries a cue later on ("Top Secret clearance required; SCI preferred") is not a heading.
    """
    colon = ":" in line
    if not colon and (len(line) > 90 or line.count(" ") > 12):
        return None  # a sentence, not a heading: the common case, decided before any pattern runs
    head = line.split(":", 1)[0] if colon else line
    head = head.strip(" \t•*-–·#>|").replace("’", "'").replace("`", "'")
    head = head.lstrip("".join(ch for ch in head[:2] if not ch.isalnum() and ch not in "'(")).strip()
    if not head or len(head) > 70 or head.endswith((".", ",", ";")) or ";" in head:
        return None
    words = head.split()
    if not colon and (len(words) > 8 or head[0].islower()):
        return None
    if (_LIST_ITEM.match(line) and not line.rstrip().endswith(":")) or _NEGATION.search(line):
        return None  # a list item (unless it heads a sub-list: "- Preferred Qualifications:"), or a negation
    bare = head.lower().rstrip("?!")
    if bare in _BARE_HEADING:
        return _BARE_HEADING[bare]
    if _ABOUT_EMPLOYER_HEADING.match(head) and not _REQUIRED_HEADING.search(head) \
            and not _PREFERRED_HEADING.search(head):
        return SKIP
    for level, pattern in _HEADING_CUES:
        match = pattern.search(head)
        if match is None:
            continue
        # Without a colon, the cue must open the line: at most three heading words before it.
        before = head[:match.start()].lower().split()
        if colon or (len(before) <= 3 and all(word in _HEADING_WORDS for word in before) and "," not in head):
            return level
    if line.rstrip().endswith(":") and len(words) <= 6:
        return UNSPECIFIED  # another heading ("Technologies:", "Job type:") ends the section before it
    if not colon and 2 <= len(words) <= 8 and (head.endswith("?") or _ALL_CAPS.fullmatch(head)):
        return UNSPECIFIED  # "WHAT TO DO IN THE PROJECT?", "TEAM STRUCTURE": a heading that ends the one before
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


@dataclass
class EducationAsked:
    """The degrees a posting asks for: the lowest required, a higher one preferred, their subjects."""

    required: str | None = None  # none | bachelor | master | phd; None when the posting says nothing
    preferred: str | None = None
    fields: list[tuple[int, int]] = field(default_factory=list)  # character ranges naming degree subjects
    equivalent_experience: bool = False


def education_asked(text: str, layout: PostingLayout) -> EducationAsked:
    """The degrees the posting requires and prefers, where it names their subjects, and whether
    equivalent experience counts. "MS/PhD" asks for a master's; "advanced degree" too; a bare
    "degree" is a bachelor's only when no other level is named beside it."""
    if _NO_DEGREE.search(text):
        return EducationAsked(required="none", equivalent_experience=True)
    required: list[str] = []
    preferred: list[str] = []
    fields: list[tuple[int, int]] = []
    seen: set[int] = set()
    # Only sentences that name a degree are read (reading a sentence's cues is the costly part).
    hints = _degree_hints(text)
    for hint in hints:
        sentence = layout.sentence_at(hint)
        if sentence is None or sentence.start in seen or sentence.level == SKIP:
            continue
        seen.add(sentence.start)
        for level, start, end in _degree_mentions(text, sentence.start, sentence.end):
            at = layout.level_at(start, end)
            if at is None:
                continue
            (preferred if at == PREFERRED else required).append(level)
            subject = _DEGREE_SUBJECT.match(text, end, min(sentence.end, end + 40))
            if subject is not None:
                fields.append((subject.end(), _subject_end(text, subject.end(), sentence.end)))
    if not required and not preferred:
        return EducationAsked()
    lowest_required = min(required, key=EDUCATION_LEVELS.index) if required else "none"
    higher = [level for level in preferred if EDUCATION_LEVELS.index(level) > EDUCATION_LEVELS.index(lowest_required)]
    return EducationAsked(
        required=lowest_required,
        preferred=min(higher, key=EDUCATION_LEVELS.index) if higher else None,
        fields=_merge_ranges(fields),
        equivalent_experience=bool(_EQUIVALENT.search(text)),
    )


_ADVANCED_DEGREE = re.compile(r"\b(advanced|graduate|post-?graduate|higher)\s+(university\s+)?degrees?\b|"
                              r"\bmaster'?s\s+(degree\s+)?or\s+(higher|above)\b", re.I)
_GERMAN_DEGREE = (("phd", re.compile(r"\b(promotion|promoviert\w*|doktor\w*)\b", re.I)),
                  ("master", re.compile(r"\b(diplom|master(studium|abschluss)?)\b", re.I)),
                  ("bachelor", re.compile(r"\b(abgeschlossene[sn]?\s+(hochschul)?studium|hochschulabschluss|"
                                          r"studium\s+(der|im bereich|in)|bachelor(studium|abschluss)?)\b", re.I)))
# Degree names that say "degree" by themselves, without the word.
_NAMED_DEGREE = re.compile(r"\b(ph\.?\s?d\.?|doctorate|master'?s|bachelor'?s|m\.\s?sc\.?|b\.\s?sc\.?|msc|bsc|mba|"
                           r"(bs|ba|ms)\s?/\s?(ms|phd)|b\.s\.|m\.s\.|b\.a\.|promotion|hochschulabschluss|studium)(?![a-z])", re.I)
# Words that may name a degree, found with plain substring search (many times faster than one
# large pattern); the sentences they sit in are then read properly.
_DEGREE_WORDS = ("degree", "diploma", "bachelor", "master", "doctor", "phd", "ph.d", "ph. d", "b.s", "m.s", "bsc",
                 "msc", "b.sc", "m.sc", "mba", "graduate", "studium", "promotion", "hochschul", "b.a.", "m.eng",
                 "b.tech", " bs ", " ms ", " ba ", "bs/", "ms/", "/ms", "/phd", "bs,", "ms,", " bs.", " ms.", "(bs", "(ms")


def _degree_hints(text: str) -> list[int]:
    lowered = text.lower()
    hints: list[int] = []
    for word in _DEGREE_WORDS:
        start = lowered.find(word)
        while start >= 0:
            hints.append(start + (1 if word[0] in " (/" else 0))
            start = lowered.find(word, start + len(word))
    return sorted(hints)


_BARE_DEGREE = re.compile(r"\b(university degree|college degree|degree)\b", re.I)
_DEGREE_SUBJECT = re.compile(r"[\s'’s]*(?:degree\s+)?(?:\([^)]{0,30}\)\s*)?(?:in|of|im bereich|der)\s+(?:a\s+|an\s+|the\s+)?",
                             re.I)
_SUBJECT_STOP = re.compile(r"[.;\n]|\s(?:and|with|plus|\+)\s+\d|\s(?:with|and|plus)\s+(?:\d|experience|strong|proven)|"
                           r"\bor (?:equivalent|related|similar)|\(or\b|\bexperience\b|\bfrom\b|\bwith\b", re.I)


def _degree_mentions(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Each degree level named in a sentence, with its character range."""
    chunk = text[start:end]
    found: list[tuple[str, int, int]] = []
    for level, pattern in (("phd", _PHD), ("master", _MASTER), ("bachelor", _BACHELOR_EXPLICIT)):
        found.extend((level, start + m.start(), start + m.end()) for m in pattern.finditer(chunk))
    found.extend(("master", start + m.start(), start + m.end()) for m in _ADVANCED_DEGREE.finditer(chunk))
    for level, pattern in _GERMAN_DEGREE:
        found.extend((level, start + m.start(), start + m.end()) for m in pattern.finditer(chunk))
    if not found:
        found.extend(("bachelor", start + m.start(), start + m.end()) for m in _BARE_DEGREE.finditer(chunk))
    return sorted(found, key=lambda item: item[1])


def _subject_end(text: str, start: int, limit: int) -> int:
    stop = _SUBJECT_STOP.search(text, start, min(limit, start + 120))
    return stop.start() if stop else min(limit, start + 120)


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


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
