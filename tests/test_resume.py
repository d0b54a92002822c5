"""``jobmatch profile from-resume``: résumés the tests write or make themselves (invented people) in
Markdown, text, DOCX (python-docx) and PDF (Chromium), read into a profile; merging; bad files."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from jobmatch.matcher import resume
from jobmatch.matcher.profile import load_profile, parse_profile
from jobmatch.matcher.resume import merge_profile, read_document, read_resume, render_profile
from jobmatch.taxonomy.loading import load_taxonomy

FIXTURES = Path(__file__).parent / "fixtures" / "resumes"
AS_OF = dt.date(2026, 7, 1)
_spec = importlib.util.spec_from_file_location("resume_build", FIXTURES / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


_READINGS: dict[str, resume.Reading] = {}


def reading_of(path: Path, taxonomy, as_of: dt.date = AS_OF) -> resume.Reading:
    key = f"{path}|{as_of}"
    if key not in _READINGS:
        _READINGS[key] = read_resume(read_document(str(path)), taxonomy, as_of=as_of)
    return _READINGS[key]


@pytest.fixture(scope="module")
def amara_docx(tmp_path_factory) -> Path:
    return build.write_amara_docx(tmp_path_factory.mktemp("docx") / "amara-okafor.docx")


def years(reading: resume.Reading, skill_id: str) -> float | None:
    return reading.skills[skill_id].years


def run(*args: str):
    """The command as a person runs it: through `jobmatch profile` when the group is there."""
    from jobmatch.cli.main import COMMANDS, cli

    if "profile" in COMMANDS:
        return CliRunner().invoke(cli, ["profile", "from-resume", *args])
    from jobmatch.cli.resume_command import from_resume_command

    return CliRunner().invoke(from_resume_command, list(args))


# --- what the reader finds ------------------------------------------------------------------------


def test_markdown_resume_years_overlaps_internship_education_languages_links(taxonomy):
    reading = reading_of(FIXTURES / "priya-raman.md", taxonomy)
    assert reading.name == "Priya Raman"
    assert reading.location == "Berlin, Germany"
    assert reading.links == {"github": "https://github.com/priya-raman", "website": "https://priyaraman.dev"}
    # Jobs Jan 2019 - Apr 2021 and Mar 2021 - present overlap two months; the part-time lecturing
    # lies inside the first: Jan 2019 - Jul 2026 is 7.5 years. The internship (4 months) is apart.
    assert reading.years_experience == 7.5
    assert reading.internship_years == 0.3
    assert [e.kind for e in reading.entries] == ["work", "work", "work", "internship", "study", "study"]
    assert years(reading, "python") == 7.5  # in both overlapping jobs: counted once
    assert years(reading, "pytorch") == 5.3  # Mar 2021 - 1 Jul 2026
    assert years(reading, "scikit_learn") == 2.7  # the 28-month job plus the 4-month internship
    assert years(reading, "kafka") == 2.3
    assert years(reading, "scala") is None  # only in the skills list: no dated entry says so
    assert reading.skills["rust"].level == "beginner"  # "Currently learning the Rust language"
    assert any("6 years" in check and "7.5" in check for check in reading.checks)  # the summary's stated total
    assert reading.education.level == "master" and reading.education.year == 2018
    assert reading.education.field_text == "Computer Science"
    assert "computer_science" in reading.skills
    assert "cloud_certifications" in reading.skills  # "AWS Certified Machine Learning – Specialty"
    levels = {s: reading.skills[s].level for s in ("english", "german", "tamil", "hindi")}
    assert levels == {"english": "expert", "german": "intermediate", "tamil": "expert", "hindi": "intermediate"}
    assert "chess" not in " ".join(reading.skills) and "photography" not in reading.skills  # interests are skipped


def test_text_resume_without_a_skills_section(taxonomy):
    reading = reading_of(FIXTURES / "tomasz-wojcik.txt", taxonomy)
    assert reading.name == "Tomasz Wójcik"
    assert reading.location == "Kraków, Poland"
    assert reading.links == {"linkedin": "https://linkedin.com/in/tomasz-wojcik-data"}
    # "06/2015 - 12/2018" (43 months) and "2018-now" (mid-2018 on): Jun 2015 - Jul 2026, once.
    assert reading.years_experience == 11.1
    assert years(reading, "kafka") == 8.0 and years(reading, "snowflake") == 8.0
    assert years(reading, "postgresql") == 3.6
    assert reading.internship_years == 0.2
    assert reading.education.level == "bachelor" and reading.education.year == 2015
    assert {s: reading.skills[s].level for s in ("polish", "english", "german")} == \
        {"polish": "expert", "english": "advanced", "german": "basic"}
    assert all(reading.skills[s].source == "experience" for s in ("kafka", "dbt", "hadoop"))


def test_docx_resume_tables_header_and_hyperlinks(taxonomy, amara_docx):
    reading = reading_of(amara_docx, taxonomy)
    assert reading.kind == "docx"
    assert reading.name == "Amara Okafor"
    assert reading.location == "London, United Kingdom"
    # "GitHub" is only a hyperlink's text: its target is the link
    assert reading.links == {"kaggle": "https://kaggle.com/amaraokafor", "github": "https://github.com/amara-okafor"}
    assert "github" not in reading.skills  # the link's word in the contact line is no skill
    assert reading.education.level == "phd" and reading.education.year == 2020
    assert reading.education.field_text == "Statistics"
    assert reading.years_experience == 5.5  # Jan 2021 - Jul 2026; the teaching assistantship apart
    assert reading.internship_years == 1.8
    assert years(reading, "lightgbm") == 3.8 and years(reading, "python") == 5.5
    assert reading.skills["pytorch"].years is None  # "PyTorch (basic)" in the skills table
    assert reading.skills["french"].level == "intermediate"
    assert "Yoruba" in reading.unlisted_languages  # the taxonomy has no Yoruba: said, not dropped


def test_two_column_pdf(taxonomy):
    reading = reading_of(FIXTURES / "lucas-ferreira.pdf", taxonomy)
    assert reading.kind == "pdf" and reading.pages == 1
    assert reading.name == "Lucas Ferreira"  # after the sidebar, spelled by the e-mail and the GitHub link
    assert reading.location == "Lisbon, Portugal"
    assert reading.links == {"github": "https://github.com/lucasferreira", "website": "https://lucasferreira.io"}
    assert reading.years_experience == 9.8 and reading.internship_years == 0.2
    assert years(reading, "go") == 6.4 and years(reading, "java") == 3.4
    assert years(reading, "kubernetes") == 6.4  # "Kubernetes operators in Go": the broader skill counts
    assert years(reading, "docker") == 3.4
    assert "cloud_certifications" in reading.skills and reading.skills["cloud_certifications"].source == "certification"
    assert reading.skills["spanish"].level == "intermediate" and reading.skills["portuguese"].level == "expert"


@pytest.mark.skipif(not build.CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium")
def test_pdfs_printed_by_chromium_two_columns_and_tables(taxonomy, tmp_path):
    printed = build.print_pdf(FIXTURES / "lucas-ferreira.html", tmp_path / "lucas.pdf")
    fresh = read_resume(read_document(str(printed)), taxonomy, as_of=AS_OF)
    committed = reading_of(FIXTURES / "lucas-ferreira.pdf", taxonomy)
    assert set(fresh.skills) == set(committed.skills)
    assert fresh.years_experience == committed.years_experience
    table = tmp_path / "table.html"
    table.write_text(
        "<!doctype html><meta charset=utf-8><h1>Mei Chen</h1><p>Data Scientist · Toronto, Ontario</p>"
        "<h2>Experience</h2><table><tr><td>Apr 2022 – present</td><td><b>Senior Data Scientist</b>, Maple Grocers"
        "<ul><li>Demand forecasting with LightGBM in Python.</li></ul></td></tr>"
        "<tr><td>2019 – 2022</td><td><b>Data Analyst</b>, Lakeshore Telecom<ul><li>Dashboards in Tableau; SQL on "
        "Redshift.</li></ul></td></tr></table><h2>Skills</h2><table><tr><td>Languages</td><td>Python, R, SQL</td>"
        "</tr></table><h2>Education</h2><p>MSc Statistics, University of Toronto, 2019</p>", encoding="utf-8")
    reading = read_resume(read_document(str(build.print_pdf(table, tmp_path / "table.pdf"))), taxonomy, as_of=AS_OF)
    assert reading.name == "Mei Chen"
    assert years(reading, "lightgbm") == 4.2  # Apr 2022 - Jul 2026, from the table row's date cell
    assert years(reading, "tableau") == 3.0  # "2019 – 2022": mid-2019 to mid-2022
    assert years(reading, "sql") == 3.0 and years(reading, "python") == 4.2
    assert reading.years_experience == 7.0
    assert reading.education.level == "master"


def test_as_of_is_what_present_means(taxonomy):
    earlier = reading_of(FIXTURES / "priya-raman.md", taxonomy, as_of=dt.date(2023, 3, 1))
    assert years(earlier, "pytorch") == 2.0  # Mar 2021 - Mar 2023
    assert earlier.years_experience == 4.2
    later = reading_of(FIXTURES / "priya-raman.md", taxonomy)
    assert years(later, "pytorch") == 5.3


@pytest.mark.parametrize("text,months", [
    ("2019 - 2022", 36), ("2019–2022", 36), ("Mar 2021 - present", 64), ("Mar 2021 – Present", 64),
    ("2018-now", 96), ("06/2015 - 12/2018", 43), ("Jan 2019 to Apr 2021", 28), ("since 2020", 72),
    ("September 2016 – January 2020", 41), ("2021-03 – 2022-02", 12), ("Summer 2017 - Fall 2017", 6),
])
def test_date_ranges(text, months):
    period = resume._period_in(f"Engineer, Acme | {text}", AS_OF)
    assert period is not None and round(period.months) == months, text


def test_periods_within_a_year_and_in_the_future_are_marked():
    same = resume._period_in("Acme, 2020 - 2020", AS_OF)
    assert same.months == 6 and same.checks
    future = resume._period_in("Acme, Jan 2026 - Dec 2027", AS_OF)
    assert future.checks and round(future.months) == 6
    assert resume._period_in("Built it in 2019 with 2 people", AS_OF) is None  # one year is no range


def test_overlapping_periods_count_once():
    periods = [resume._period_in(text, AS_OF) for text in ("2015 - 2020", "2018 - 2022", "Jan 2024 - Jun 2024")]
    assert resume.union_months(periods) == 7 * 12 + 6


def test_the_smaller_taxonomy_extracts_what_the_whole_one_does(taxonomy):
    from jobmatch.taxonomy.extraction import SkillExtractor

    try:
        full = SkillExtractor(taxonomy, model=False)
    except TypeError:  # an extractor without the trained model's switch
        full = SkillExtractor(taxonomy)
    for name in ("priya-raman.md", "tomasz-wojcik.txt", "lucas-ferreira.pdf"):
        document = read_document(str(FIXTURES / name))
        small = resume.extractor_for(document.text, taxonomy)
        assert len(small.taxonomy.skills) < len(taxonomy.skills) / 5
        lines = document.lines
        assert [[(s.id, s.spans) for s in e.skills] for e in resume._extract_lines(small, lines)] == \
            [[(s.id, s.spans) for s in e.skills] for e in resume._extract_lines(full, lines)], name


# --- the profile written ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["priya-raman.md", "tomasz-wojcik.txt", "lucas-ferreira.pdf", "amara"])
def test_profile_loads_and_every_skill_names_its_line(taxonomy, amara_docx, name):
    path = amara_docx if name == "amara" else FIXTURES / name
    reading = reading_of(path, taxonomy)
    text = render_profile(reading, taxonomy)
    profile = parse_profile(text, taxonomy, strict=True)
    assert set(profile.skills) == set(reading.skills)
    assert not profile.unknown_skills
    assert profile.education == reading.education.level
    assert profile.years_experience == reading.years_experience
    assert profile.links == reading.links and profile.location == reading.location
    data = yaml.safe_load(text)
    skill_lines = [line for line in text.splitlines() if line.startswith("  ") and not line.lstrip().startswith("#")
                   and line.split(":")[0].strip() in {str(k) for k in data["skills"]}]
    assert len(skill_lines) == len(reading.skills)
    for line in skill_lines:
        quote = re.search(r'# from: "(.*?)"', line)
        assert quote, line
        evidence = quote.group(1).strip("…")[:30]
        assert evidence in " ".join(reading.lines).replace("  ", " ") or evidence in " ".join(reading.raw_lines), line


@pytest.mark.parametrize("name", ["priya-raman.md", "tomasz-wojcik.txt", "lucas-ferreira.pdf", "amara"])
def test_no_phone_email_or_street_address_in_the_profile(taxonomy, amara_docx, name):
    path = amara_docx if name == "amara" else FIXTURES / name
    text = render_profile(reading_of(path, taxonomy), taxonomy)
    for private in ("2345 6789", "151", "601 234 567", "912 345 678", "7700 900123", "+44", "+49", "+48", "+351",
                    "@", "Lindenstraße", "10969", "Baker Street", "221B", "NW1", "example.com", "example.org"):
        assert private not in text, (name, private)


def test_scrub_keeps_dates_and_places():
    assert resume.scrub("Berlin · +49 151 2345 6789 · a.b@example.com") == "Berlin · …"
    assert resume.scrub("Lindenstraße 42, 10969 Berlin") == "…, Berlin"
    assert resume.scrub("12 Main Street, Apt 4B, Springfield, IL 62704") == "… Springfield, IL"
    assert resume.scrub("Acme GmbH, 2019 - 2022") == "Acme GmbH, 2019 - 2022"
    assert resume.scrub("Data Engineer 06/2015 - 12/2018") == "Data Engineer 06/2015 - 12/2018"
    assert resume.scrub("Automated test suites in Python") == "Automated test suites in Python"


# --- the command --------------------------------------------------------------------------------------


def test_command_writes_a_profile_that_loads(tmp_path, taxonomy):
    out = tmp_path / "profile.yaml"
    result = run(str(FIXTURES / "tomasz-wojcik.txt"), "-o", str(out), "--as-of", "2026-07-01")
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr and "skill(s)" in result.stderr
    profile = load_profile(str(out), taxonomy)
    assert profile.skills["kafka"].years == 8.0 and profile.years_experience == 11.1
    assert [p.name for p in tmp_path.iterdir()] == ["profile.yaml"]  # no temp file left
    again = run(str(FIXTURES / "tomasz-wojcik.txt"), "-o", str(out))
    assert again.exit_code == 1 and "exists" in again.stderr and "--merge" in again.stderr


def test_command_to_stdout(taxonomy):
    result = run(str(FIXTURES / "priya-raman.md"), "--as-of", "2026-07-01")
    assert result.exit_code == 0
    assert parse_profile(result.stdout, taxonomy).skills["python"].years == 7.5
    assert "# check:" in result.stdout


def test_bad_as_of_is_a_usage_error():
    result = run(str(FIXTURES / "priya-raman.md"), "--as-of", "yesterday")
    assert result.exit_code == 2 and "--as-of" in result.stderr


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp / "empty.md"
    empty.write_text("")
    blank = tmp / "blank.txt"
    blank.write_text("  \n\n ")
    binary = tmp / "cv.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    image = tmp / "cv.pdf"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 500)
    not_zip = tmp / "cv.docx"
    not_zip.write_text("this is not a word document")
    corrupt = tmp / "corrupt.docx"
    with zipfile.ZipFile(corrupt, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document")
    truncated = tmp / "truncated.pdf"
    truncated.write_bytes((FIXTURES / "lucas-ferreira.pdf").read_bytes()[:3000])
    huge = tmp / "huge.pdf"
    with open(huge, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(50 * 1024 * 1024)
    folder = tmp / "folder"
    folder.mkdir()
    old_word = tmp / "cv.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return {
        "empty": (empty, "is empty"), "blank": (blank, "is empty"), "binary": (binary, "binary"),
        "image": (image, "PNG image"), "not-zip": (not_zip, "not a readable DOCX"),
        "corrupt-docx": (corrupt, "not a readable DOCX"), "truncated-pdf": (truncated, "PDF"),
        "huge": (huge, "50 MB"), "directory": (folder, "is a directory"), "missing": (tmp / "nope.pdf", "no such file"),
        "encrypted": (FIXTURES / "encrypted.pdf", "encrypted PDF"),
        "scan": (FIXTURES / "scanned-no-text.pdf", "no text found: is it a scan?"), "doc": (old_word, ".doc"),
    }


@pytest.mark.parametrize("case", ["empty", "blank", "binary", "image", "not-zip", "corrupt-docx", "truncated-pdf",
                                  "huge", "directory", "missing", "encrypted", "scan", "doc"])
def test_bad_files_one_line_exit_1_nothing_written(tmp_path, case):
    path, words = _bad_files(tmp_path)[case]
    out = tmp_path / "out" / "profile.yaml"
    out.parent.mkdir()
    result = run(str(path), "-o", str(out))
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(path) in lines[0], result.stderr
    assert words in lines[0]
    assert "Traceback" not in result.output
    assert list(out.parent.iterdir()) == []


def test_resume_in_another_language(tmp_path):
    nothing = tmp_path / "cv-fr.txt"
    nothing.write_text("Jeanne Martin\nExpérience\nResponsable de la boutique et des équipes, de 2015 à 2020.\n"
                       "Formation\nLicence de lettres modernes, 2014\n", encoding="utf-8")
    out = tmp_path / "p.yaml"
    result = run(str(nothing), "-o", str(out))
    assert result.exit_code == 1 and "no skill" in result.stderr and "french" in result.stderr
    assert not out.exists()
    some = tmp_path / "cv-de.txt"
    some.write_text("Jonas Weber\nBerufserfahrung\nDatenanalyst, Musterfirma GmbH, 2019 - 2023\n"
                    "- Auswertungen mit Python und SQL für die Vertriebsabteilung und das Controlling\n"
                    "Sprachen\nDeutsch (Muttersprache), Englisch (C1)\n", encoding="utf-8")
    result = run(str(some), "-o", str(out), "--as-of", "2026-07-01")
    assert result.exit_code == 0, result.output
    assert "looks german" in result.stderr
    assert set(yaml.safe_load(out.read_text())["skills"]) >= {"python", "sql"}


def test_traceback_flag_shows_the_error(tmp_path):
    from jobmatch.cli.main import COMMANDS, cli

    if "profile" not in COMMANDS:
        pytest.skip("the profile group is not registered")
    empty = tmp_path / "e.txt"
    empty.write_text("")
    result = CliRunner().invoke(cli, ["--traceback", "profile", "from-resume", str(empty)])
    assert result.exit_code != 0 and isinstance(result.exception, resume.ResumeError)


# --- merging --------------------------------------------------------------------------------------------


def _written(tmp_path: Path, name: str = "tomasz-wojcik.txt") -> Path:
    out = tmp_path / "profile.yaml"
    assert run(str(FIXTURES / name), "-o", str(out), "--as-of", "2026-07-01").exit_code == 0
    return out


def test_merge_keeps_the_persons_edits_comments_and_removals(tmp_path, taxonomy):
    out = _written(tmp_path)
    text = out.read_text()
    text = re.sub(r"  python: .*\n", "  python: {years: 9, level: expert}  # my own estimate\n", text)
    text = re.sub(r"  hadoop: .*\n", "", text)  # removed: it is not what they want to be ranked for
    text = text.replace("  # locations: [Kraków, Poland]", "  locations: [Kraków, Remote - EU]")
    text = text.replace("  # remote: true", "  remote: true\n  min_salary: 90000")
    text = text.replace("years_experience: 11.1", "years_experience: 10  # not counting 2014")
    text = text.replace("skills:\n", "skills:\n  # my note about skills\n  rust: {level: beginner}\n", 1)
    out.write_text(text)
    before = yaml.safe_load(text)
    result = run(str(FIXTURES / "tomasz-wojcik.txt"), "--merge", str(out), "--as-of", "2026-07-01")
    assert result.exit_code == 0, result.output
    merged_text = out.read_text()
    merged = yaml.safe_load(merged_text)
    assert merged["skills"]["python"] == {"years": 9, "level": "expert"}
    assert "hadoop" not in merged["skills"]  # not added again
    assert merged["preferences"] == before["preferences"]
    assert merged["years_experience"] == 10 and merged["skills"]["rust"] == {"level": "beginner"}
    for comment in ("# my own estimate", "# not counting 2014", "# my note about skills"):
        assert comment in merged_text
    assert all(merged["skills"].get(k, "gone") == v for k, v in before["skills"].items())
    profile = load_profile(str(out), taxonomy)
    assert profile.preferences.min_salary == 90000
    assert "not added again" in merged_text and "hadoop" in merged_text.split("not added again")[1]


def test_merge_adds_new_skills_and_missing_fields(tmp_path, taxonomy):
    mine = tmp_path / "mine.yaml"
    mine.write_text("# my profile\nname: Lucas\nskills: [python, go]   # short list\npreferences:\n"
                    "  locations: [Lisbon]\n  remote: true\n", encoding="utf-8")
    result = run(str(FIXTURES / "lucas-ferreira.pdf"), "--merge", str(mine), "--as-of", "2026-07-01")
    assert result.exit_code == 0, result.output
    merged = yaml.safe_load(mine.read_text())
    assert merged["name"] == "Lucas" and merged["preferences"] == {"locations": ["Lisbon"], "remote": True}
    assert merged["skills"]["python"] is None and merged["skills"]["go"] is None  # theirs: no years
    assert merged["skills"]["terraform"] == 6.4 and merged["skills"]["kubernetes"] == 6.4
    assert merged["education"] == "bachelor" and merged["years_experience"] == 9.8
    assert merged["links"]["github"] == "https://github.com/lucasferreira"
    assert "# my profile" in mine.read_text()
    text = mine.read_text()
    assert "check: the résumé reads go 6.4 years" in text
    assert load_profile(str(mine), taxonomy).skills["terraform"].years == 6.4


def test_merge_into_a_block_list_and_to_another_file(tmp_path, taxonomy):
    mine = tmp_path / "mine.yaml"
    mine.write_text("skills:\n  - python: 2\n  - sql\n", encoding="utf-8")
    out = tmp_path / "merged.yaml"
    result = run(str(FIXTURES / "tomasz-wojcik.txt"), "--merge", str(mine), "-o", str(out), "--as-of", "2026-07-01")
    assert result.exit_code == 0, result.output
    assert mine.read_text() == "skills:\n  - python: 2\n  - sql\n"  # -o: the merge file itself is untouched
    profile = load_profile(str(out), taxonomy)
    assert profile.skills["python"].years == 2 and profile.skills["sql"].years is None
    assert profile.skills["kafka"].years == 8.0


def test_merge_into_a_profile_that_does_not_load_changes_nothing(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("skills: [python\n", encoding="utf-8")
    result = run(str(FIXTURES / "tomasz-wojcik.txt"), "--merge", str(broken))
    assert result.exit_code == 1 and "broken.yaml" in result.stderr and "invalid YAML" in result.stderr
    assert broken.read_text() == "skills: [python\n"
    missing = run(str(FIXTURES / "tomasz-wojcik.txt"), "--merge", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 1 and "none.yaml" in missing.stderr and "-o" in missing.stderr


def test_merge_twice_changes_nothing_more(tmp_path, taxonomy):
    out = _written(tmp_path)
    reading = reading_of(FIXTURES / "tomasz-wojcik.txt", taxonomy)
    once = merge_profile(out.read_text(), reading, taxonomy, path=str(out))
    assert once.added == [] and not once.rewritten
    twice = merge_profile(once.text, reading, taxonomy, path=str(out))
    assert yaml.safe_load(twice.text) == yaml.safe_load(out.read_text())


def test_the_resume_is_never_stored(tmp_path, jobmatch_home):
    _written(tmp_path)
    stored = [p for p in jobmatch_home.rglob("*") if p.is_file()]
    assert not any(p.suffix in (".db", ".sqlite") for p in stored)
    for file in stored:
        assert b"Wisla" not in file.read_bytes() and "Wisła".encode() not in file.read_bytes()


def test_merge_beside_nested_skills_keeps_the_next_fields_comment(tmp_path, taxonomy):
    mine = tmp_path / "mine.yaml"
    text = ("skills:\n  python:\n    years: 3\n    level: expert\n  sql: 2\n\n# where I would work\n"
            "preferences:\n  locations: [Kraków]\n")
    mine.write_text(text, encoding="utf-8")
    reading = reading_of(FIXTURES / "tomasz-wojcik.txt", taxonomy)
    merged = merge_profile(text, reading, taxonomy, path=str(mine)).text
    assert merged.index("kafka") < merged.index("# where I would work") < merged.index("preferences:")
    data = yaml.safe_load(merged)
    assert data["skills"]["python"] == {"years": 3, "level": "expert"} and data["skills"]["sql"] == 2
    assert data["preferences"] == {"locations": ["Kraków"]}


def test_credentials_beside_the_name_and_a_bracketed_language_level(taxonomy):
    document = resume.Document("cv.txt", "text", [
        "Hana Sato, PhD", "Research Scientist · Zürich, Switzerland", "hana-sato.github.io", "", "Languages",
        "English (IELTS 7.5, professional working proficiency), Japanese (native)"])
    reading = read_resume(document, taxonomy, as_of=AS_OF)
    assert reading.name == "Hana Sato" and reading.location == "Zürich, Switzerland"
    assert reading.links == {"website": "https://hana-sato.github.io"}
    assert reading.skills["english"].level == "intermediate" and reading.skills["japanese"].level == "expert"


_SMALL_EXTRACTOR: dict[str, object] = {}


def _any_text_extractor(taxonomy):
    if "x" not in _SMALL_EXTRACTOR:
        _SMALL_EXTRACTOR["x"] = resume.extractor_for(
            "Python SQL Go R Excel Spark PyTorch Docker English German Polish machine learning", taxonomy)
    return _SMALL_EXTRACTOR["x"]


try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # hypothesis is in the test extras; without it these two are skipped
    given = None

if given is not None:
    _LINE = st.one_of(
        st.text(max_size=80),
        st.sampled_from(["Experience", "EDUCATION", "Skills:", "Languages", "2019 - 2022", "Mar 2021 – present",
                         "Python, SQL, Go", "- Built it with PyTorch and Docker", "MSc Computer Science, 2018",
                         "English (C1), Polish (native)", "+49 170 1234567", "Musterstraße 5, 10115 Berlin",
                         "github.com/someone", "2030 - 2019", "since 2099", "12/2020 - 01/2020", "| | |"]),
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(_LINE, max_size=25))
    def test_any_lines_read_into_a_profile_that_loads(taxonomy, lines):
        document = resume.Document("cv.txt", "text", resume._clean_lines(lines))
        reading = read_resume(document, taxonomy, as_of=AS_OF, extractor=_any_text_extractor(taxonomy))
        text = render_profile(reading, taxonomy)
        profile = parse_profile(text, taxonomy, allow_no_skills=True)
        assert set(profile.skills) == set(reading.skills)
        assert all(skill.years is None or 0 <= skill.years <= 70 for skill in profile.skills.values())
        assert "1234567" not in text and "Musterstraße" not in text and "10115" not in text
        merged = merge_profile(text, reading, taxonomy, path="p.yaml")
        assert yaml.safe_load(merged.text)["skills"] == yaml.safe_load(text)["skills"]


def test_docx_text_boxes_read_once(tmp_path, taxonomy):
    """A two-column Word template keeps its sidebar in a text box, written twice (DrawingML and a
    VML fallback): its lines are read, once."""
    import docx
    from docx.oxml import parse_xml

    box = ('<w:txbxContent><w:p><w:r><w:t>Skills</w:t></w:r></w:p>'
           '<w:p><w:r><w:t>Kafka, Snowflake, Terraform</w:t></w:r></w:p></w:txbxContent>')
    run_xml = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>')
    document = docx.Document()
    document.add_paragraph("Noor Haddad")
    document.add_paragraph("Experience")
    holder = document.add_paragraph("Data Engineer, Cedar Analytics, 2020 - 2024")
    holder._p.append(parse_xml(run_xml))
    document.add_paragraph("Built pipelines in Python.", style="List Bullet")
    path = tmp_path / "noor.docx"
    document.save(path)
    read = read_document(str(path))
    assert read.lines.count("Kafka, Snowflake, Terraform") == 1
    reading = read_resume(read, taxonomy, as_of=AS_OF)
    assert {"kafka", "snowflake", "terraform", "python"} <= set(reading.skills)
