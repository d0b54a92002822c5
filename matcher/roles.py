"""What kind of job a posting is: its role family and seniority, read from the title (the asked
skills break ties), the families next to each other, profile targets, and texts that are not jobs.

Families (``FAMILIES``):

- ``ml_engineer``: builds and ships models (ML, deep learning, computer vision, NLP, recommender,
  perception engineers; "Software Engineer, Machine Learning").
- ``ai_engineer``: builds products on top of foundation models (applied AI, LLM, GenAI, agent, prompt
  engineers; "Software Engineer, AI"). Kept apart from ``ml_engineer`` on purpose: in the 2025 Ashby
  postings these are the most common AI titles ("Applied AI Engineer", "AI Engineer", "Founding AI
  Engineer"), and they ask for product engineering (TypeScript, APIs, LLM APIs, RAG, evaluation)
  rather than training models (PyTorch, feature pipelines, experiment tracking); a new graduate who
  trains models and an LLM application engineer want different lists. ``related_families`` gives the
  pair the highest partial credit (0.8), so a ranking loses little by the split.
- ``research_scientist``: research scientists and engineers, applied scientists, AI researchers.
- ``data_scientist``: data, decision and quantitative scientists, statisticians, operations research.
- ``mlops``: MLOps, ML platform and infrastructure, model serving and inference platforms.
- ``data_engineer``: data and analytics engineers, data platform and infrastructure.
- ``data_analyst``: data, BI, product and business analysts, analytics.
- ``software_engineer``: backend, frontend, full-stack, mobile, DevOps, SRE, QA, platform engineers.
- ``other_technical``: product and technical program managers, solutions and sales engineers,
  security, IT, hardware, manufacturing and other engineering outside software.
- ``non_technical``: sales, marketing, operations, finance, recruiting, legal, support, design, and
  content, tutoring, translation and annotation gigs (also "AI Tutor", "AI Data Trainer").

Seniority (``SENIORITIES``): intern, junior, mid, senior, staff, principal, manager (people managers,
heads, directors, VPs, chiefs), or None when the title does not say. "Product Manager" and "Account
Manager" name a job, not a level, so they are None.

Measured by ``benchmarks/role_benchmark.py`` on 150 hand-labelled 2025 Ashby titles (see there).
Pure: no I/O, nothing printed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

FAMILIES = ("ml_engineer", "ai_engineer", "research_scientist", "data_scientist", "mlops", "data_engineer",
            "data_analyst", "software_engineer", "other_technical", "non_technical")
SENIORITIES = ("intern", "junior", "mid", "senior", "staff", "principal", "manager")
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 20_000


@dataclass(frozen=True)
class RoleGuess:
    """A posting's role: its family, seniority (None when not stated) and why."""

    family: str  # one of FAMILIES
    seniority: str | None  # one of SENIORITIES, or None
    confidence: float  # 0..1: 0.9 a specific title, 0.7 a generic title refined by its words, 0.5 by
    # its skills, 0.3 a guess
    evidence: str  # what decided, for --explain: "title: 'machine learning engineer'"


# ---------------------------------------------------------------------------------------------
# Text


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"\b(ai|ml)\s*/\s*(ml|ai)\b", "ai ml", text)
    return " ".join(re.findall(r"[a-z0-9#]+", text))


_SEGMENT_BREAK = re.compile(r"\s*(?:,|\(|\)|\[|\]|\||:|;|\s[-–—]+\s|[–—]|/(?=\s))\s*")


def _segments(title: str) -> list[str]:
    return [f for f in (_fold(s) for s in _SEGMENT_BREAK.split(title)) if f]


# ---------------------------------------------------------------------------------------------
# Rules. Each is (family, pattern, kind): "final" decides; "semi" is a specific software role that
# ML/data words may still refine (an SRE for an AI platform); "generic" (software engineer, engineer,
# developer, member of technical staff, intern) takes its family from the rest of the title or the
# skills. Order matters: the first rule that matches the head segment wins.


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_GIG = _r(r"\b(ai )?(data )?(trainers?|tutors?|annotat\w*|label+ers?|label+ing|raters?|transcri\w*|translat\w*|"
          r"linguists?|locali[sz]ation|content experts?|subject matter experts?|writers?|copywriters?|editors?|"
          r"editorial|interpreters?|voice actors?|reviewers?)\b")
_MLOPS_TOPIC = _r(r"\b(ml ?ops|llm ?ops|aiops|(ml|machine learning|ai ml|model|inference|training|gpu) "
                  r"(platform|infrastructure|infra|systems|serving|ops|reliability)|ai (infrastructure|infra)|"
                  r"inference|model serving)\b")
_ML_TOPIC = _r(r"\b(machine learning|ml|deep learning|computer vision|cv engineer\w*|nlp|natural language|"
               r"perception|recommend\w*|recsys|ranking|search relevance|speech|ai ml|mle|"
               r"reinforcement learning|autonomy|neural)\b")
_AI_TOPIC = _r(r"\b(ai|llms?|genai|gen ai|generative|ai agents?|agentic|prompt|rag|copilot|artificial intelligence|"
               r"foundation models?|chatbots?|conversational)\b")
# Words only applied-LLM work uses: when a generic title has them, they outweigh "ML" ("ML/LLM")
_LLM_TOPIC = _r(r"\b(llms?|genai|gen ai|generative ai|agentic|ai agents?|prompt|rag|copilot|foundation models?)\b")
# Heads that name a business job whatever AI words follow ("Insurance Sales Agent", "Marketing
# Manager, AI"): checked before the ML and AI topic words.
_BUSINESS_HEAD = _r(r"\b(sales|account executives?|account managers?|business development|recruit\w*|"
                    r"talent acquisition|counsel|legal|lawyers?|attorneys?|paralegals?|marketing|marketer|"
                    r"accountants?|accounting|finance|financial|treasury|payroll|tax|insurance|customer success|"
                    r"customer support|customer service|people partner|hr|human resources|"
                    r"communications|public relations|events?)\b")
_RULES: list[tuple[str, re.Pattern[str], str]] = [
    ("non_technical", _GIG, "final"),
    ("non_technical", _r(r"\b(user|ux|design|market|marketing|customer|consumer|brand|clinical) research"), "final"),
    ("data_scientist", _r(r"\b(data scien\w*|decision scien\w*|statisticians?|quant\w*|operations research|"
                          r"econometric\w*|economists?|biostatistic\w*)\b"), "final"),
    ("research_scientist", _r(r"\b(research (scientist|engineer|fellow|intern)s?|researchers?|applied scien\w*|"
                              r"postdoc\w*|post doctoral|(ml|ai|machine learning|ai ml) scientists?|"
                              r"research staff|scientist)\b"), "research"),
    ("other_technical", _r(r"\b(product managers?|product owners?|product lead|group product|head of product|"
                           r"(technical )?program managers?|tpm|product management|vp of product|"
                           r"director of product|product director)\b"), "final"),
    ("non_technical", _r(r"\b(designers?|design (director|lead|manager)|head of design|artists?|illustrators?|"
                         r"animators?|ux|ui)\b"), "final"),
    ("other_technical", _r(r"\b(sales engineers?|solutions? (engineers?|architects?|consultants?)|"
                           r"customer engineers?|support engineers?|technical account managers?|"
                           r"implementation engineers?|field (application )?engineers?|pre sales|presales|"
                           r"go to market engineers?|gtm engineers?|deployment strategist)\b"), "final"),
    ("mlops", _MLOPS_TOPIC, "final"),
    ("software_engineer", _r(r"\b(site reliability|sre|devops|dev ops|platform engineer\w*|infrastructure engineer\w*|"
                             r"cloud engineer\w*|systems engineer\w*|reliability engineer\w*|production engineer\w*)\b"),
     "semi"),
    ("other_technical", _r(r"\b(security|appsec|penetration|offensive|threat|soc analyst|it support|it engineer|"
                           r"it manager|it specialist|helpdesk|help desk|sysadmin|system administrator|network "
                           r"engineer\w*|electrical|mechanical|manufacturing|hardware|process engineer|chemical|"
                           r"civil|structural|industrial|quality engineer|rf|optical|controls engineer|"
                           r"technicians?|data center|datacenter|facilities|construction|robotics hardware|"
                           r"mechatronics|asic|fpga|silicon|chip|analog|pcb|test engineer|validation engineer|"
                           r"architect(ure)?|photonics|physicist|chemist|biologist|geologist|materials)\b"),
     "final"),
    ("data_engineer", _r(r"\b(data engineer\w*|analytics engineer\w*|etl|elt|data platform\w*|data infrastructure|"
                         r"data architect\w*|big data|data warehouse|data pipelines?|data ops|dataops|"
                         r"database engineer\w*|data integration|data developer)\b"), "final"),
    ("data_analyst", _r(r"\b(data analy\w*|bi|business intelligence|analytics|insights? analysts?|"
                        r"reporting analysts?|product analysts?|tableau|power bi|looker)\b"), "analyst"),
    ("non_technical", _BUSINESS_HEAD, "final"),
    ("ml_engineer", _ML_TOPIC, "topic"),
    ("ai_engineer", _AI_TOPIC, "topic"),
    ("software_engineer", _r(r"\b(front ?end|back ?end|full ?stack|mobile|ios|android|web|forward deployed|"
                             r"product engineer\w*|game|games|gameplay|embedded|firmware|qa|sdet|test automation|"
                             r"automation engineer\w*|software development engineer in test|typescript|java|"
                             r"python|golang|rust|react|node|ruby|rails|php|scala|kotlin|swift|c\+\+|\.net|"
                             r"api|integrations? engineer\w*|design engineer\w*|unity|unreal|graphics|"
                             r"compiler|kernel|distributed systems)\b"), "semi"),
    ("software_engineer", _r(r"\b(software|engineers?|engineering|developers?|programmers?|member of technical "
                             r"staff|mts|tech lead|technical lead|cto|devs?|swe|sde)\b"), "generic"),
    ("data_analyst", _r(r"\b(analysts?|insights?)\b"), "analyst"),
    ("non_technical", _r(r"\b(account executives?|account managers?|sales|business development|bdr|sdr|"
                         r"customer success|partnerships?|partner|alliances?|channel|recruit\w*|talent|sourcers?|"
                         r"people|hr|human resources|counsel|legal|lawyers?|attorneys?|paralegals?|compliance|"
                         r"marketing|growth|seo|content|brand|communications|pr|events?|community|social media|"
                         r"finance|financial|accountants?|accounting|controller|treasury|fp and a|tax|payroll|"
                         r"audit\w*|procurement|sourcing|supply chain|logistics|operations|ops|strategy|"
                         r"strategic|chief of staff|executive assistant|assistant|office|admin\w*|actuar\w*|"
                         r"advisors?|agents?|representatives?|coordinators?|specialists?|associates?|strategists?|"
                         r"concierge|clinical|nurse|physician|doctor|therapist|pharmac\w*|teachers?|"
                         r"instructors?|coach\w*|ceo|cfo|coo|cmo|cro|cpo|general manager|country manager|"
                         r"consultants?|customer service|customer experience|kundenservice|support|"
                         r"receptionist|driver|warehouse|retail|store|cashier|chef|cook|barista|"
                         r"wealth|insurance|underwrit\w*|loan|mortgage|billing|collections|enrollment|"
                         r"merchandis\w*|buyer|category manager|publishing|producer|journalist|editor|"
                         r"photographer|videographer|video|motion|creative|copy|investor relations|"
                         r"real estate|leasing|hospitality|partner opportunities|expression of interest|"
                         r"open application|general application|talent pool|future opportunities)\b"), "final"),
]
_DATA_TOPIC = _r(r"\b(data|analytics|etl|pipelines?|warehouse|lakehouse)\b")
_SECURITY_TOPIC = _r(r"\b(security|infosec|appsec)\b")
_RESEARCH_OTHER = _r(r"\b(research engineer|researcher|research scientist|applied scien\w*|scientist)\b")
_ROLE_NOUN = _r(r"\b(engineers?|engineering|developers?|scientists?|researchers?|analysts?|managers?|designers?|"
                r"interns?|internship|specialists?|lead|leader|head|director|recruiters?|executives?|associates?|"
                r"consultants?|architects?|technicians?|coordinators?|representatives?|agents?|officers?|"
                r"assistants?|advisors?|instructors?|teachers?|tutors?|trainers?|writers?|editors?|experts?|"
                r"administrators?|owner|partner|president|vp|chief|ceo|cto|cfo|coo|founder|staff|fellow|"
                r"programmer|counsel|lawyer|attorney|accountant|controller|nurse|physician|clinician|"
                r"operator|strategist|producer|artist|marketer|sdr|bdr|ae|job|jobs|hiring|position|role|"
                r"vacancy|opening|application|opportunit\w*|talent pool|careers?|werkstud\w*|praktik\w*|"
                r"student|apprentice\w*|trainee|graduate|mts|swe|sde|sre|devops|qa|sdet)\b")

# Skill ids of the taxonomy that point at a family when the title does not say (a tie-break).
_SKILL_FAMILIES: dict[str, frozenset[str]] = {
    "ml_engineer": frozenset({"machine_learning", "deep_learning", "pytorch", "tensorflow", "keras", "jax",
                              "scikit_learn", "xgboost", "lightgbm", "catboost", "computer_vision", "nlp",
                              "opencv", "neural_networks", "cnn", "transformer_models", "reinforcement_learning",
                              "recommendation", "hugging_face_transformers", "pytorch_lightning", "cuda",
                              "feature_engineering", "model_evaluation", "distributed_training", "object_detection",
                              "image_segmentation", "speech_recognition"}),
    "ai_engineer": frozenset({"llms", "generative_ai", "prompt_engineering", "rag", "vector_databases", "langchain",
                              "llamaindex", "openai_api", "text_embeddings", "ai_agents", "llm_evaluation",
                              "fine_tuning", "chatbots"}),
    "mlops": frozenset({"mlops", "model_deployment", "model_serving", "model_monitoring", "ml_pipelines",
                        "experiment_tracking", "mlflow", "kubeflow", "wandb", "dvc", "ray", "feature_store",
                        "vllm", "tensorrt", "onnx", "gpu_computing"}),
    "data_engineer": frozenset({"data_engineering", "apache_spark", "pyspark", "hadoop", "hive", "kafka", "flink",
                                "apache_beam", "airflow", "dbt", "etl", "data_pipelines", "data_warehousing",
                                "data_lakes", "data_modeling", "big_data", "stream_processing", "snowflake",
                                "databricks"}),
    "data_analyst": frozenset({"business_intelligence", "tableau", "power_bi", "looker", "qlik", "dashboards",
                               "excel", "web_analytics", "data_visualization", "data_analysis"}),
    "data_scientist": frozenset({"data_science", "ab_testing", "statistics", "forecasting", "time_series",
                                 "predictive_modeling", "regression", "classification", "exploratory_data_analysis",
                                 "causal_inference", "r"}),
}
SKILL_TIE_BREAK_MIN = 3  # asked skills of one family needed before they decide a generic title


def classify_role(title: str, skill_ids: Iterable[str] = ()) -> RoleGuess:
    """The role family and seniority of a posting, from its title (skills break ties). Never raises."""
    text = (title or "")[:MAX_TITLE_CHARS] if isinstance(title, str) else ""
    skills = [s for s in skill_ids or () if isinstance(s, str)][:500]
    seniority = _seniority(text)
    segments = _segments(text)
    if not segments:
        family, evidence = _from_skills(skills)
        return RoleGuess(family or "non_technical", seniority, 0.5 if family else 0.1,
                         evidence or "no words in the title")
    whole = " ".join(segments)
    head = next((s for s in segments if _ROLE_NOUN.search(s)), segments[0])
    family, kind, matched = _first_rule(head)
    if family is None:
        family, kind, matched = _first_rule(whole)
    if family is None:
        by_skills, evidence = _from_skills(skills)
        return RoleGuess(by_skills or "non_technical", seniority, 0.5 if by_skills else 0.3,
                         evidence or f"no role words in {text.strip()[:60]!r}")
    rest = whole
    if kind in ("final", "research"):
        return RoleGuess(family, seniority, 0.9, f"title: {matched!r}")
    if kind == "analyst":
        return RoleGuess(family, seniority, 0.8, f"title: {matched!r}")
    if kind == "topic":
        return RoleGuess(family, seniority, 0.85, f"title: {matched!r}")
    # "semi" and "generic": specific words elsewhere in the title refine it
    refined = _refine(rest, semi=kind == "semi")
    if refined is not None:
        return RoleGuess(refined[0], seniority, 0.7, f"title: {matched!r} + {refined[1]!r}")
    if kind == "generic":
        by_skills, evidence = _from_skills(skills)
        if by_skills is not None and by_skills not in ("data_analyst",):
            return RoleGuess(by_skills, seniority, 0.5, f"title: {matched!r}; {evidence}")
        if matched.startswith("intern") or matched in ("student",):
            return RoleGuess("non_technical", seniority, 0.3, f"title: {matched!r}")
    return RoleGuess(family, seniority, 0.8 if kind == "semi" else 0.7, f"title: {matched!r}")


_TECH_NOUN = _r(r"\b(engineers?|engineering|developers?|programmers?|scientists?|researchers?|architects?|"
                r"builders?|member of technical staff|technical staff|mts|swe|sde|interns?|internship|"
                r"werkstud\w*|students?|apprentice\w*|lead|leads|head|director|manager|specialists? ml|"
                r"practitioners?|hacker)\b")


def _first_rule(text: str) -> tuple[str | None, str, str]:
    fallback: tuple[str | None, str, str] = (None, "", "")
    for family, pattern, kind in _RULES:
        match = pattern.search(text)
        if not match:
            continue
        if kind == "topic" and not _TECH_NOUN.search(text):
            # "AI Strategist", "AI Coach": AI words without an engineering noun decide only if
            # nothing else in the title names a job
            fallback = fallback if fallback[0] else (family, kind, match.group(0))
            continue
        if pattern is _GIG and re.search(r"\b(engineer\w*|developer\w*|scientists?)\b", text):
            continue  # "Localisation Engineer" is an engineer
        return family, kind, match.group(0)
    return fallback


def _refine(text: str, *, semi: bool) -> tuple[str, str] | None:
    """A software title's specialisation: "Software Engineer, Machine Learning" -> ml_engineer."""
    for family, pattern in (("mlops", _MLOPS_TOPIC), ("research_scientist", _RESEARCH_OTHER),
                            ("ai_engineer", _LLM_TOPIC), ("ml_engineer", _ML_TOPIC), ("ai_engineer", _AI_TOPIC),
                            ("data_engineer", _DATA_TOPIC), ("other_technical", _SECURITY_TOPIC)):
        match = pattern.search(text)
        if not match:
            continue
        if semi:
            # an SRE or platform engineer for ML or data is MLOps / data engineering; a frontend
            # engineer on an AI product is still a frontend engineer
            if family in ("ml_engineer", "ai_engineer", "mlops") and re.search(
                    r"\b(site reliability|sre|devops|platform|infrastructure|cloud|systems|reliability)\b", text):
                return "mlops", match.group(0)
            if family == "data_engineer" and re.search(r"\b(platform|infrastructure|systems)\b", text):
                return "data_engineer", match.group(0)
            return None
        return family, match.group(0)
    return None


def families_from_skills(skill_ids: Iterable[str], minimum: int = 2) -> list[str]:
    """The role families a person's skills point to (each with at least ``minimum`` of the family's
    telling skills), most first: a profile that names no targets nor titles is ranked for these.
    Empty when the skills point nowhere in particular (a Java backend profile: every technical
    family is then a target)."""
    held = set(skill_ids)
    counts = {family: len(held & ids) for family, ids in _SKILL_FAMILIES.items()}
    return [family for family, count in sorted(counts.items(), key=lambda kv: (-kv[1], FAMILIES.index(kv[0])))
            if count >= minimum]


def _from_skills(skills: list[str]) -> tuple[str | None, str]:
    if not skills:
        return None, ""
    asked = set(skills)
    counts = {family: len(asked & ids) for family, ids in _SKILL_FAMILIES.items()}
    best = max(counts, key=lambda f: (counts[f], -list(_SKILL_FAMILIES).index(f)))
    if counts[best] < SKILL_TIE_BREAK_MIN:
        return None, ""
    shown = ", ".join(sorted(asked & _SKILL_FAMILIES[best])[:4])
    return best, f"skills: {shown}"


# ---------------------------------------------------------------------------------------------
# Seniority

_ROMAN = re.compile(r"(?:^|[\s,(/-])(I{1,3}|IV)(?=$|[\s,)/-])")
_LEVEL_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("intern", _r(r"\b(interns?|internship|co op|coop|werkstud\w*|working students?|students?|apprentice\w*|"
                  r"trainee|praktik\w*|stagiaire|alternan\w*|summer analyst)\b")),
    ("manager", _r(r"\b(head of|heads? of|director|directors|vp|vice president|chief|cto|ceo|cfo|coo|cmo|cro|"
                   r"cpo|ciso|president|managing|team lead|team leader|leader|engineering manager|"
                   r"engineering managers|manager of|(senior|sr|group|general|country|area|regional|store|"
                   r"accounting|finance|sales|team|people|hr|it|data science|analytics|research|design|"
                   r"support|operations|insights|engineering|development|delivery|office) manager|"
                   r"^manager|founder|partner ceo)\b")),
    ("principal", _r(r"\b(principal|distinguished|fellow)\b")),
    ("staff", _r(r"\b(staff)\b")),
    ("senior", _r(r"\b(senior|sr|snr|lead|expert level|level iii|l5)\b")),
    ("mid", _r(r"\b(mid|mid level|intermediate|level ii|l3|l4)\b")),
    ("junior", _r(r"\b(junior|jr|entry|entry level|graduate|graduates|new grad|grad|early career|"
                  r"associate|level i|l1|l2|sdet level 1|level 1|beginner)\b")),
]


def _seniority(title: str) -> str | None:
    folded = _fold(title)
    if not folded:
        return None
    folded = re.sub(r"\bmember of (the )?technical staff\b|\bstaff (accountant|nurse|writer)\b|"
                    r"\bresearch fellow\b|\bchief of staff\b|\bassociate (director|vp|vice president|"
                    r"general counsel|partner)\b", lambda m: m.group(0).replace(" ", "_"), folded)
    if "associate_director" in folded or "associate_vp" in folded or "associate_vice" in folded:
        return "manager"
    found = {level for level, pattern in _LEVEL_RULES if pattern.search(folded)}
    roman = _ROMAN.findall(title)
    if roman:
        found.add({"I": "junior", "II": "mid", "III": "senior", "IV": "staff"}[roman[-1]])
    if "intern" in found:
        return "intern"
    # "Senior / Staff Data Engineer": the first level named
    if "senior" in found and "staff" in found and re.search(r"\b(senior|sr)\b\s+(or\s+)?staff\b", folded) and \
            re.search(r"\b(senior|sr)\b\s+staff\b", folded) is None:
        return "senior"
    if "manager" in found and re.search(r"\b(chief \w+ officer|ceo|cro|cfo) associate\b", folded):
        return "junior"
    for level in ("manager", "principal", "staff", "senior", "mid", "junior"):
        if level in found:
            return level
    return None


# ---------------------------------------------------------------------------------------------
# Families next to each other, and profile targets

_CLOSENESS: dict[tuple[str, str], float] = {
    ("ml_engineer", "ai_engineer"): 0.8,
    ("ml_engineer", "research_scientist"): 0.7,
    ("ml_engineer", "data_scientist"): 0.7,
    ("ml_engineer", "mlops"): 0.7,
    ("ml_engineer", "software_engineer"): 0.4,
    ("ml_engineer", "data_engineer"): 0.4,
    ("ai_engineer", "software_engineer"): 0.6,
    ("ai_engineer", "research_scientist"): 0.5,
    ("ai_engineer", "data_scientist"): 0.5,
    ("ai_engineer", "mlops"): 0.5,
    ("research_scientist", "data_scientist"): 0.6,
    ("data_scientist", "data_analyst"): 0.6,
    ("data_scientist", "data_engineer"): 0.4,
    ("mlops", "software_engineer"): 0.6,
    ("mlops", "data_engineer"): 0.5,
    ("data_engineer", "software_engineer"): 0.5,
    ("data_engineer", "data_analyst"): 0.5,
    ("software_engineer", "other_technical"): 0.3,
}


def _neighbours() -> dict[str, Mapping[str, float]]:
    table: dict[str, dict[str, float]] = {family: {} for family in FAMILIES}
    for (a, b), closeness in _CLOSENESS.items():
        table[a][b] = closeness
        table[b][a] = closeness
    return {family: MappingProxyType(dict(sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))))
            for family, n in table.items()}


_NEIGHBOURS = _neighbours()


def related_families(family: str) -> Mapping[str, float]:
    """The families next to ``family``, each with a closeness in 0..1 (closest first), for partial
    credit: ml_engineer -> ai_engineer 0.8, data_scientist 0.7, mlops 0.7, research_scientist 0.7, ...
    The family itself is not included (its credit is 1). Raises ValueError for an unknown family."""
    if family not in _NEIGHBOURS:
        raise ValueError(_unknown_message(family))
    return _NEIGHBOURS[family]


_TARGET_ALIASES: dict[str, str] = {
    "machine learning engineer": "ml_engineer", "ml engineer": "ml_engineer", "mle": "ml_engineer",
    "deep learning engineer": "ml_engineer", "computer vision engineer": "ml_engineer",
    "cv engineer": "ml_engineer", "nlp engineer": "ml_engineer", "machine learning": "ml_engineer",
    "applied ml engineer": "ml_engineer", "recommender systems engineer": "ml_engineer",
    "perception engineer": "ml_engineer", "ai ml engineer": "ml_engineer",
    "ai engineer": "ai_engineer", "applied ai engineer": "ai_engineer", "llm engineer": "ai_engineer",
    "genai engineer": "ai_engineer", "generative ai engineer": "ai_engineer", "prompt engineer": "ai_engineer",
    "ai application engineer": "ai_engineer", "ai applications engineer": "ai_engineer",
    "ai software engineer": "ai_engineer", "agent engineer": "ai_engineer",
    "research scientist": "research_scientist", "research engineer": "research_scientist",
    "applied scientist": "research_scientist", "ai researcher": "research_scientist",
    "machine learning researcher": "research_scientist", "ml researcher": "research_scientist",
    "data scientist": "data_scientist", "decision scientist": "data_scientist", "statistician": "data_scientist",
    "quantitative researcher": "data_scientist", "quant": "data_scientist",
    "mlops engineer": "mlops", "mlops": "mlops", "ml ops": "mlops", "ml platform engineer": "mlops",
    "ml infrastructure engineer": "mlops", "ml infra engineer": "mlops", "machine learning platform engineer": "mlops",
    "ai infrastructure engineer": "mlops", "inference engineer": "mlops",
    "data engineer": "data_engineer", "analytics engineer": "data_engineer", "etl developer": "data_engineer",
    "big data engineer": "data_engineer",
    "data analyst": "data_analyst", "bi analyst": "data_analyst", "business intelligence analyst": "data_analyst",
    "product analyst": "data_analyst", "business analyst": "data_analyst", "analyst": "data_analyst",
    "software engineer": "software_engineer", "software developer": "software_engineer",
    "backend engineer": "software_engineer", "backend developer": "software_engineer",
    "frontend engineer": "software_engineer", "full stack engineer": "software_engineer",
    "fullstack engineer": "software_engineer", "devops engineer": "software_engineer",
    "site reliability engineer": "software_engineer", "sre": "software_engineer",
    "platform engineer": "software_engineer", "mobile engineer": "software_engineer",
    "java developer": "software_engineer", "python developer": "software_engineer",
    "product manager": "other_technical", "solutions engineer": "other_technical",
    "security engineer": "other_technical",
}


def resolve_target(name: str) -> str:
    """A profile's target role ("MLOps Engineer", "Data Scientist", "nlp engineer", "ml_engineer") as a
    family id. Raises ValueError, with a "did you mean", for a name that is neither a family nor a title
    jobmatch can read."""
    raw = name if isinstance(name, str) else ""
    key = _fold(raw)
    underscored = key.replace(" ", "_")
    if underscored in FAMILIES:
        return underscored
    if key in _TARGET_ALIASES:
        return _TARGET_ALIASES[key]
    stripped = re.sub(r"\b(senior|sr|junior|jr|lead|staff|principal|entry level|mid level|intern|"
                      r"associate|head of|remote)\b", " ", key)
    stripped = " ".join(stripped.split())
    if stripped in _TARGET_ALIASES:
        return _TARGET_ALIASES[stripped]
    if stripped and _ROLE_NOUN.search(stripped):
        guess = classify_role(raw)
        if guess.confidence >= 0.7 and guess.family != "non_technical":
            return guess.family
    raise ValueError(_unknown_message(raw))


def _unknown_message(name: str) -> str:
    known = list(FAMILIES) + sorted(_TARGET_ALIASES)
    close = difflib.get_close_matches(_fold(name or "").replace(" ", "_") if (name or "").count("_") else
                                      _fold(name or ""), known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return (f"unknown target role {name!r}{hint} (known: {', '.join(FAMILIES)}, or a title such as "
            "'MLOps Engineer' or 'Data Scientist')")


# ---------------------------------------------------------------------------------------------
# Not a job

_NOT_JOB_TITLE = _r(r"^\d+\s+\w+|^(how|why|what|when|where|who|which|is|are|should|can|do|does)\b|"
                    r"\b(things|ways|tips|tricks|reasons|mistakes|secrets|lessons|habits|steps)\b|"
                    r"\b(newsletter|webinar|course|courses|bootcamp|boot camp|masterclass|master class|workshop|"
                    r"conference|meetup|summit|podcast|ebook|e book|whitepaper|white paper|article|blog|"
                    r"tutorial|cheat sheet|certification program|certificate program|scholarship|enrol\w*|"
                    r"register|free training|learn|hackathon|giveaway|sponsored|digest|roundup|weekly)\b")
_NOT_JOB_TEXT = _r(r"\b(enrol\w*|tuition|register now|sign up|subscribe|unsubscribe|read more|cohort|modules?|"
                   r"lessons?|webinar|newsletter|in this (article|post|guide)|we ll cover|this course|our course|"
                   r"students will|certificate of completion|early bird|limited seats|course fee|"
                   r"money back|join \d+|attendees|speakers|agenda|tickets?)\b")
_JOB_TEXT = _r(r"\b(responsibilities|requirements|qualifications|what you ll do|what you will do|you will|"
               r"you ll|apply|salary|compensation|benefits|we are hiring|we re hiring|years of experience|"
               r"join our team|the role|about the role|job description|the position|this position|"
               r"reporting to|report to|equal opportunity|visa sponsorship|full time|part time|contract)\b")


_ARTICLE_FORM = _r(r"^(how to|how i|how we|why|what is|what are|what you need|is it|should you|\d+ (things|ways|tips|"
                   r"reasons|mistakes|secrets|lessons|habits|steps|skills)|these \d+|top \d+)\b")


def looks_like_not_a_job(title: str, description: str, asked_skill_count: int) -> str | None:
    """A reason when the text is an article, a course or bootcamp ad, a newsletter or an event rather
    than a job posting, else None. Conservative: a title that names a role ("engineer", "analyst",
    "intern", "tutor"...) is a job unless it is phrased as an article ("How to become an ML
    engineer"), and a text that reads like a posting (responsibilities, requirements, "you will",
    salary...) is always a job. Never raises."""
    title_text = (title or "")[:MAX_TITLE_CHARS] if isinstance(title, str) else ""
    text = (description or "")[:MAX_DESCRIPTION_CHARS] if isinstance(description, str) else ""
    folded_title = _fold(title_text)
    article_form = _ARTICLE_FORM.search(folded_title)
    title_cue = article_form or _NOT_JOB_TITLE.search(folded_title)
    if _ROLE_NOUN.search(folded_title) and not article_form:
        return None
    if not title_cue and _first_rule(folded_title)[0] not in (None, "non_technical"):
        return None  # "Machine Learning": a field named as a title
    folded_text = _fold(text)
    job_cues = len(set(_JOB_TEXT.findall(folded_text)))
    if job_cues >= 2:
        return None
    not_job_cues = sorted({m if isinstance(m, str) else m[0] for m in _NOT_JOB_TEXT.findall(folded_text)})
    skills = asked_skill_count if isinstance(asked_skill_count, int) else 0
    what = "an article" if article_form else _kind_of_text(folded_title) or _kind_of_text(folded_text) or "an article"
    if title_cue and (not_job_cues or job_cues == 0) and skills <= 5:
        return f"{what}, not a job posting: the title {title_text.strip()[:80]!r} names no role"
    if job_cues == 0 and skills == 0 and len(not_job_cues) >= 3 and _first_rule(folded_title)[0] is None:
        return f"{what}, not a job posting: no role and no skills asked"
    return None


def _kind_of_text(folded: str) -> str:
    for word, kind in (("newsletter", "a newsletter"), ("webinar", "an event"), ("conference", "an event"),
                       ("meetup", "an event"), ("summit", "an event"), ("hackathon", "an event"),
                       ("bootcamp", "a course advert"), ("boot camp", "a course advert"),
                       ("course", "a course advert"), ("masterclass", "a course advert"),
                       ("enrol", "a course advert"), ("tuition", "a course advert"),
                       ("podcast", "a podcast"), ("blog", "an article"), ("article", "an article")):
        if word in folded:
            return kind
    return ""
