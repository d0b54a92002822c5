"""The HTML report in a real headless browser (Debian's Chromium driven by Playwright).

Posting text is written by strangers: a title, company, location, URL or description carrying
markup must show as text and run nothing, with the page's Content-Security-Policy and without it
(the escaping alone must hold). A normal report renders, fits a phone screen, prints, and fetches
nothing from the network.

Run as a script to regenerate the README's picture: ``python tests/test_report_browser.py docs/report.png``.
"""

from __future__ import annotations

import re
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobmatch.cli.main import cli
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[1]
PROFILE = str(REPO / "examples" / "profile.yaml")
SAMPLE = str(files("jobmatch.crawler") / "data" / "sample_postings.jsonl")
PWN = "window.__pwned = (window.__pwned || []).concat('{where}'); document.title = 'PWNED'"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium "
                                  "(apt-get install chromium; .ci/run installs it)")

HOSTILE = [
    {"id": "evil:script", "title": f"<script>{PWN.format(where='title')}</script>Machine Learning Engineer",
     "company": f"<img src=x onerror=\"{PWN.format(where='company')}\">Evil Corp",
     "url": f"javascript:{PWN.format(where='url')}",
     "locations": [f"</style><script>{PWN.format(where='location')}</script>Berlin"],
     "description": f"We need Python, PyTorch and SQL. </style><script>{PWN.format(where='description')}</script>"},
    {"id": "evil:style", "title": f"</style><svg onload=\"{PWN.format(where='svg')}\"></svg>ML Engineer</title>",
     "company": "\"><iframe src=\"javascript:parent.__pwned=['iframe']\"></iframe>",
     "url": "data:text/html,<script>alert(1)</script>", "locations": ["Remote"],
     "description": "Python, scikit-learn and pandas required. <img src=x onerror=alert(1)>"},
    {"id": "evil:link", "title": "<a href=\"javascript:alert(1)\">click me</a> Data Scientist",
     "company": "Acme</p><style>body{display:none}</style>", "url": "  JaVaScRiPt:alert(1)",
     "locations": ["Berlin"], "description": "Python and SQL. <b>bold</b>"},
    {"id": "fine:1", "title": "Junior ML Engineer", "company": "Good Co", "locations": ["Berlin"],
     "url": "https://example.com/jobs/1?a=1&b=\"><script>alert(1)</script>",
     "description": "Python, PyTorch, SQL and NumPy required."},
]
VISIBLE = ["<script>window.__pwned", "<img src=x onerror=", "Evil Corp", "</style><script>",
           "<svg onload=", "<a href=\"javascript:alert(1)\">click me</a>", "</style><script>window.__pwned",
           "body{display:none}", "javascript:window.__pwned", "concat('description')", "concat('location')",
           "<img src=x onerror=alert(1)>"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def make_report(tmp_path: Path, *files_to_import: str, top: int = 10) -> Path:
    db = str(tmp_path / "store.db")
    for path in files_to_import:
        assert run("--db", db, "import", path).exit_code == 0
    out = tmp_path / "report.html"
    result = run("--db", db, "report", PROFILE, "--format", "html", "-o", str(out), "--top", str(top))
    assert result.exit_code == 0, result.output
    return out


def open_page(browser, path: Path, **context):
    """A page with the report loaded, recording every request, dialog and console error."""
    page = browser.new_page(**context)
    events: dict[str, list[str]] = {"requests": [], "dialogs": [], "errors": []}
    page.on("request", lambda request: events["requests"].append(request.url))
    page.on("dialog", lambda dialog: (events["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: events["errors"].append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_timeout(300)  # time for an onerror/onload handler to fire, if one had been injected
    return page, events


@pytest.fixture
def hostile_report(tmp_path) -> Path:
    # Straight into the store: `import` would clean the descriptions' HTML, a store written by
    # anything else need not have. The titles, companies, locations and URLs go in as they are either way.
    with Store(str(tmp_path / "store.db")) as store:
        store.upsert_postings(Posting(**fields) for fields in HOSTILE)
    return make_report(tmp_path)


@pytest.mark.parametrize("with_csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_hostile_posting_text_shows_as_text_and_runs_nothing(browser, hostile_report, tmp_path, with_csp):
    path = hostile_report
    if not with_csp:  # prove the escaping holds even without the page's Content-Security-Policy
        html = path.read_text(encoding="utf-8")
        stripped = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", html)
        assert stripped != html
        path = tmp_path / "no-csp.html"
        path.write_text(stripped, encoding="utf-8")
    page, events = open_page(browser, path)
    try:
        assert page.evaluate("window.__pwned === undefined")
        assert "PWNED" not in page.title() and page.title().startswith("Match report")
        assert events["dialogs"] == [] and events["errors"] == []
        assert events["requests"] == [path.as_uri()]  # the page itself, nothing else
        counts = page.evaluate("""() => ({
            scripts: document.scripts.length, images: document.images.length,
            iframes: document.querySelectorAll('iframe, object, embed').length,
            handlers: [...document.querySelectorAll('*')].filter(
                e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
            styles: document.querySelectorAll('style').length,
            hrefs: [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href')),
            svgs_in_titles: document.querySelectorAll('h3 svg, .meta svg').length,
        })""")
        assert counts["scripts"] == 0 and counts["images"] == 0 and counts["iframes"] == 0
        assert counts["handlers"] == 0 and counts["styles"] == 1 and counts["svgs_in_titles"] == 0
        assert all(h.startswith(("https://", "http://")) for h in counts["hrefs"])
        assert HOSTILE[3]["url"] in counts["hrefs"]  # the quote in it stayed inside the attribute
        text = page.inner_text("body")
        for fragment in VISIBLE:
            assert fragment in text, fragment
        assert page.is_visible("text=Evil Corp") and page.is_visible("#matches")
        # The javascript: URLs are shown beside their titles, as text, not as links.
        assert page.locator("h3 a", has_text="click me").count() == 0
        assert page.locator("h3", has_text="click me").count() == 1
    finally:
        page.close()


def test_normal_report_screenshot_phone_and_print(browser, tmp_path):
    path = make_report(tmp_path, SAMPLE, top=5)
    page, events = open_page(browser, path, viewport={"width": 1000, "height": 900})
    try:
        assert events["requests"] == [path.as_uri()] and events["errors"] == []
        assert page.locator("article.match").count() == 5
        assert page.locator("#readiness svg rect.bar").count() > 5
        assert page.locator("#market svg rect[class^=cov-]").count() == 15
        assert page.locator("article.match svg rect").count() >= 10  # score breakdown segments
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    finally:
        page.close()
    phone, _ = open_page(browser, path, viewport={"width": 375, "height": 740}, is_mobile=True,
                         device_scale_factor=2)
    try:  # readable on a phone: nothing wider than the screen, text not shrunk
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        size = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('.meta')).fontSize)")
        assert size >= 12
    finally:
        phone.close()


def save_picture(target: Path) -> None:
    """The README's picture: the top of the sample report for the example profile."""
    import os
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        os.environ["JOBMATCH_HOME"] = folder
        path = make_report(Path(folder), SAMPLE, top=3)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = chromium.new_page(viewport={"width": 900, "height": 1300})
            page.goto(path.as_uri())
            page.screenshot(path=str(target))
            chromium.close()


if __name__ == "__main__":
    save_picture(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/report.png"))
