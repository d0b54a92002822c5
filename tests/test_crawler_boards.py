"""Each board's parser on fixture responses written from the documented fields, offline: the spider's
callback gets a ``TextResponse`` built from the file, as Scrapy would hand it over.

The fixtures hold the awkward cases real boards send: nulls where lists are documented, missing
optional fields, HTML in plain fields, entity-escaped content, non-ASCII text, unreadable entries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from jobmatch.crawler.boards import (
    arbeitnow,
    greenhouse,
    jsonld,
    remoteok,
    remotive,
    rss,
    smartrecruiters,
    workable,
)
from jobmatch.crawler.boards.fields import (
    BoardFormatError,
    description_text,
    employment_type,
    iso_datetime,
    salary_from_text,
)
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.sources import parse_sources
from jobmatch.crawler.spiders import spider_class

FIXTURES = Path(__file__).parent / "fixtures" / "boards"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def response(name: str, url: str = "https://boards.example/api") -> TextResponse:
    cls = HtmlResponse if name.endswith(".html") else TextResponse
    return cls(url=url, body=(FIXTURES / name).read_bytes(), encoding="utf-8", request=Request(url))


def run_callback(board_type: str, entry: dict, handler: str, fixture: str, relevance=None, **kwargs):
    """The spider's own callback on a fixture response: (postings yielded, requests yielded, progress)."""
    config = parse_sources({"sources": [{"type": board_type, **entry}], "filter": relevance or "none"})
    spider = spider_class(board_type)(sources=config.sources, relevance=config.relevance)
    source = config.sources[0]
    list(spider.start_requests())
    spider.progress[source.name].pending = 0
    output = list(getattr(spider, handler)(response(fixture), source, **kwargs))
    postings = [item for item in output if isinstance(item, Posting)]
    requests = [item for item in output if isinstance(item, Request)]
    return postings, requests, spider.progress[source.name]


def no_markup(text: str) -> bool:
    return "<" not in text.replace("<p>Escaped", "") and "&lt;" not in text and "&amp;" not in text


# Greenhouse -----------------------------------------------------------------------------------------

def test_greenhouse_unescapes_then_strips_content_and_keeps_list_items_as_lines():
    postings, _, progress = run_callback("greenhouse", {"board": "acme"}, "parse_board", "greenhouse.json")
    first = postings[0]
    assert first.id == "greenhouse:acme:4001" and first.source == "greenhouse:acme" and first.source_id == "4001"
    assert first.title == "Machine Learning Engineer, Pretraining"
    assert first.company == "Acme AI" and first.locations == ["München, Germany"]
    assert "Train & ship large language models in München." in first.description
    assert "PyTorch or JAX\n5+ years of Python\nDistributed training (CUDA)" in first.description
    assert no_markup(first.description)
    assert first.posted_at == "2026-01-02T14:00:00Z"
    assert first.url == "https://boards.greenhouse.io/acme/jobs/4001"
    assert (progress.entries, progress.dropped, progress.total) == (7, 2, 7)


def test_greenhouse_awkward_entries():
    page = greenhouse.parse_jobs(load("greenhouse.json"), source="gh", company="Fallback Co")
    by_id = {p.source_id: p for p in page.postings}
    assert by_id["4002"].remote is True and by_id["4002"].employment_type == "full-time"
    assert by_id["4004"].title == "Research Engineer & Scientist"  # HTML in a plain field
    assert by_id["4004"].locations == [] and by_id["4004"].description == ""  # null location, no content
    assert by_id["4004"].company == "Fallback Co"
    assert "4005" not in by_id  # null title: dropped and counted
    with pytest.raises(BoardFormatError, match="'jobs'"):
        greenhouse.parse_jobs({"error": "nope"}, source="gh")


def test_greenhouse_filter_drops_recruiters_and_sales():
    postings, _, progress = run_callback("greenhouse", {"board": "acme"}, "parse_board", "greenhouse.json",
                                         relevance="default")
    assert {p.source_id for p in postings} == {"4001", "4002", "4004"}
    assert progress.filtered == 2
    assert {"greenhouse:acme:4003", "greenhouse:acme:4006"} <= progress.seen_ids  # seen, so never closed


# Lever ----------------------------------------------------------------------------------------------

def test_lever_lists_salary_workplace_and_paging():
    postings, requests, progress = run_callback("lever", {"site": "acme", "company_name": "Acme"},
                                                "parse_page", "lever.json", skip=0)
    first = postings[0]
    assert first.title == "Senior ML Engineer – Recommendations" and first.company == "Acme"
    assert first.locations == ["Zürich", "Remote, Europe"] and first.remote is False
    assert (first.salary_min, first.salary_max, first.salary_currency, first.salary_period) == (
        140000, 180000, "CHF", "year")
    assert "What you bring\nPyTorch\nKubeflow & MLflow" in first.description
    assert "Nice to have" not in first.description  # a list with null content adds nothing
    assert first.posted_at == "2026-01-01T00:00:00Z" and first.seniority == "senior"
    second = postings[1]
    assert second.remote is True and second.description == "HTML in a plain field: transformers, LLMs."
    assert postings[3].posted_at is None  # "not a date"
    assert progress.dropped == 1  # no id
    assert requests == []  # 5 entries < page size 100: the last page


def test_lever_asks_for_the_next_page_when_a_page_is_full():
    config = parse_sources({"sources": [{"type": "lever", "site": "acme", "base_url": "http://127.0.0.1:1"}]})
    spider = spider_class("lever")(sources=config.sources, relevance=None)
    spider.page_size = 5
    list(spider.start_requests())
    output = list(spider.parse_page(response("lever.json"), config.sources[0], skip=0))
    requests = [item for item in output if isinstance(item, Request)]
    assert [r.url for r in requests] == ["http://127.0.0.1:1/v0/postings/acme?mode=json&skip=5&limit=5"]


# Ashby ----------------------------------------------------------------------------------------------

def test_ashby_compensation_secondary_locations_and_unlisted_jobs():
    postings, _, progress = run_callback("ashby", {"board": "acme", "company_name": "Acme"}, "parse_board",
                                         "ashby.json")
    first, second = postings
    assert first.locations == ["London", "Warsaw"] and first.remote is False
    assert (first.salary_min, first.salary_max, first.salary_currency, first.salary_period) == (
        90000, 120000, "GBP", "year")
    assert first.employment_type == "full-time"
    assert first.description == "Speech recognition with transformers.\n\nPyTorch\nSeñor-level debugging"
    assert second.remote is True and second.description == "LLM agents in production."
    assert second.employment_type == "contract" and second.salary_min is None
    assert (progress.entries, progress.dropped) == (3, 1)  # the unlisted job is not an entry


# Workable -------------------------------------------------------------------------------------------

def test_workable_account_name_locations_and_nulls():
    page = workable.parse_account(load("workable.json"), source="workable:acme")
    first, second = page.postings
    assert first.company == "Acme Hugs" and first.source_id == "AB12CD34EF"
    assert first.locations == ["Paris, Île-de-France, France"] and first.remote is True
    assert first.description == "Maintain transformers and diffusers.\n\nPython\nPyTorch"
    assert second.locations == ["Germany"] and second.remote is None and second.posted_at == "2026-01-01"
    assert page.dropped == 1


# SmartRecruiters ------------------------------------------------------------------------------------

def test_smartrecruiters_list_fetches_details_only_for_titles_that_could_be_kept():
    _, requests, progress = run_callback("smartrecruiters", {"company": "AcmeCorp"}, "parse_list",
                                         "smartrecruiters_list.json", relevance="default")
    assert [r.url.rsplit("/", 1)[1] for r in requests] == ["744000001", "744000003"]
    assert progress.filtered == 1 and "smartrecruiters:AcmeCorp:744000002" in progress.seen_ids
    assert (progress.entries, progress.dropped, progress.total) == (4, 1, 3)


def test_smartrecruiters_detail_sections_become_the_description():
    posting = smartrecruiters.parse_detail(load("smartrecruiters_detail_744000001.json"), source="sr")
    assert posting is not None
    assert posting.company == "Acme Corp" and posting.locations == ["Lyon, ARA, France"]
    assert posting.description.startswith("Company Description\nWe build cameras.")
    assert "Qualifications\nDeep learning\nC++ & CUDA" in posting.description
    assert posting.url.endswith("/744000001-computer-vision-engineer") and posting.employment_type == "full-time"
    minimal = smartrecruiters.parse_detail(load("smartrecruiters_detail_744000003.json"), source="sr")
    assert minimal is not None and minimal.remote is True and minimal.employment_type is None
    listing = smartrecruiters.parse_list({"offset": 0, "limit": 2, "totalFound": 5, "content": [{}, {}]})
    assert listing.next_offset == 2


# Remotive, RemoteOK, Arbeitnow ----------------------------------------------------------------------

def test_remotive_salary_text_tags_and_nulls():
    page = remotive.parse_jobs(load("remotive.json"), source="remotive")
    first, second, third = page.postings
    assert first.remote is True and first.company == "Remote Robots GmbH"
    assert (first.salary_min, first.salary_max, first.salary_currency) == (70000, 90000, "EUR")
    assert first.structured == {"skills": ["python", "pytorch"]}
    assert second.structured == {} and second.salary_min is None
    assert (third.salary_min, third.salary_max, third.salary_currency) == (120000, 150000, "USD")
    assert third.url is None and third.company is None


def test_remoteok_skips_the_legal_notice_and_cleans_mixed_escaping():
    postings, _, progress = run_callback("remoteok", {}, "parse_jobs", "remoteok.json")
    assert [p.title for p in postings] == ["Senior MLOps Engineer", "Product Designer"]
    assert progress.entries == 3 and progress.dropped == 1  # the notice is not an entry
    first = postings[0]
    assert first.salary_min == 120000 and first.salary_max is None and first.salary_currency == "USD"
    assert "<" not in first.description and "Escaped too" in first.description
    with pytest.raises(BoardFormatError):
        remoteok.parse_jobs({"jobs": []}, source="remoteok")


def test_arbeitnow_pages_through_links_next_on_the_base_url():
    config = parse_sources({"sources": [{"type": "arbeitnow", "base_url": "http://127.0.0.1:9"}],
                            "filter": "none"})
    spider = spider_class("arbeitnow")(sources=config.sources, relevance=None)
    list(spider.start_requests())
    output = list(spider.parse_page(response("arbeitnow_page1.json"), config.sources[0]))
    postings = [p for p in output if isinstance(p, Posting)]
    assert postings[0].company == "Größe & Co KG" and postings[0].remote is False
    assert postings[1].remote is None and postings[1].locations == []
    next_requests = [r for r in output if isinstance(r, Request)]
    assert [r.url for r in next_requests] == ["http://127.0.0.1:9/api/job-board-api?page=2"]
    last = arbeitnow.parse_page(load("arbeitnow_page2.json"), source="arbeitnow")
    assert last.next_url is None and last.postings[0].employment_type == "contract"


# JSON-LD career pages, RSS and Atom -----------------------------------------------------------------

def test_jsonld_graph_with_structured_requirements():
    postings, _, progress = run_callback("jsonld", {"urls": ["https://careers.example/fr"]}, "parse_page",
                                         "jsonld_graph.html", page_url="https://careers.example/fr")
    (posting,) = postings
    assert posting.title == "Ingénieur Machine Learning" and posting.source_id == "ML-42"
    assert posting.company == "Société Générale d'IA"
    assert posting.locations == ["Paris, IDF, FR", "Lyon, FR"]
    assert (posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period) == (
        55000, 70000, "EUR", "year")
    assert posting.description == "Vous entraînerez des modèles PyTorch.\n\nPython"
    assert posting.structured["skills"] == ["PyTorch", "MLOps"]
    assert posting.structured["experienceRequirements"]["monthsOfExperience"] == 36
    assert posting.structured["educationRequirements"] == "Master's degree"
    assert "qualifications" not in posting.structured
    assert progress.dropped == 1  # the block that is not JSON


def test_jsonld_list_telecommute_and_hourly_salary():
    page = jsonld.parse_page((FIXTURES / "jsonld_list.html").read_text(), page_url="https://x.example/jobs",
                             source="jsonld:x")
    (posting,) = page.postings
    assert posting.remote is True and posting.company == "Tiny Lab" and posting.employment_type == "contract"
    assert (posting.salary_min, posting.salary_period) == (95, "hour")
    assert posting.url == "https://tinylab.example/jobs/dl-researcher"
    assert page.entries == 2 and page.dropped == 1


def test_a_career_page_without_job_postings_is_a_failure_of_its_source():
    config = parse_sources({"sources": [{"type": "jsonld", "urls": ["https://careers.example/none"]}]})
    spider = spider_class("jsonld")(sources=config.sources, relevance=None)
    list(spider.start_requests())
    list(spider._on_response(response("jsonld_none.html"), "jsonld:careers.example", "parse_page",
                             {"page_url": "https://careers.example/none"}))
    progress = spider.progress["jsonld:careers.example"]
    assert progress.finished and not progress.complete
    assert progress.errors[0].startswith("no schema.org JobPosting on the page")


def test_rss_items_without_entity_expansion():
    page = rss.parse_feed((FIXTURES / "feed.rss").read_bytes(), feed_url="u", source="rss:feedco",
                          company="Feedco")
    first, second = page.postings
    assert first.title == "NLP Engineer – Łódź" and first.source_id == "feedco-1" and first.company == "Feedco"
    assert first.description == "Build NLP pipelines with spaCy & transformers."
    assert first.posted_at == "2026-01-06T09:00:00Z"
    assert "root:" not in second.title  # the external entity is never resolved
    assert page.dropped == 1


def test_atom_entries():
    page = rss.parse_feed((FIXTURES / "feed.atom").read_bytes(), feed_url="u", source="rss:atom")
    (posting,) = page.postings
    assert posting.title == "ML Platform Engineer (Kubeflow)" and posting.company == "AtomCo"
    assert posting.url == "https://atomco.example/jobs/ml-platform"
    assert posting.description == "MLflow, Kubeflow and PyTorch serving."
    with pytest.raises(BoardFormatError):
        rss.parse_feed(b"<html><body>not a feed</body></html>", feed_url="u", source="rss:x")


# Malformed responses through the spider -------------------------------------------------------------

def test_malformed_json_is_recorded_on_its_source_not_raised():
    config = parse_sources({"sources": [{"type": "greenhouse", "board": "acme"}]})
    spider = spider_class("greenhouse")(sources=config.sources, relevance=None)
    list(spider.start_requests())
    bad = TextResponse(url="https://x/api", body=b'{"jobs": [', encoding="utf-8", request=Request("https://x/api"))
    assert list(spider._on_response(bad, "greenhouse:acme", "parse_board", {})) == []
    progress = spider.progress["greenhouse:acme"]
    assert progress.finished and progress.errors[0].startswith("malformed JSON")


# Field helpers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (1767225600, "2026-01-01T00:00:00Z"), (1767225600000, "2026-01-01T00:00:00Z"), ("1767225600", "2026-01-01T00:00:00Z"),
    ("2026-01-02T03:04:05-01:00", "2026-01-02T04:04:05Z"), ("2026-01-02", "2026-01-02"),
    ("Tue, 06 Jan 2026 10:00:00 GMT", "2026-01-06T10:00:00Z"), ("soon", None), (None, None), (True, None), ("", None),
])
def test_iso_datetime(value, expected):
    assert iso_datetime(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("$120k - $150k", (120000, 150000, "USD", "year")),
    ("€60.000 – €80.000", (60000, 80000, "EUR", "year")),
    ("USD 45 - 60 per hour", (45, 60, "USD", "hour")),
    ("competitive", (None, None, None, None)),
    (None, (None, None, None, None)),
])
def test_salary_from_text(text, expected):
    assert salary_from_text(text) == expected


def test_employment_type_and_description_text():
    assert [employment_type(v) for v in ("FullTime", "FULL_TIME", "full time", ["PART_TIME"], "CONTRACTOR", None)] == [
        "full-time", "full-time", "full-time", "part-time", "contract", None]
    assert description_text("&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;", escaped=True) == "Hi & bye"
    assert description_text(None) == "" and description_text(["x"]) == ""


# Failures and unanswered requests -------------------------------------------------------------------

def test_failures_become_one_reason_each():
    from scrapy.exceptions import IgnoreRequest
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import DNSLookupError
    from twisted.python.failure import Failure

    from jobmatch.crawler.spiders.board_spider import describe_failure

    def http(status: int, retries: int = 0) -> Failure:
        request = Request("https://x/api", meta={"retry_times": retries} if retries else {})
        return Failure(HttpError(TextResponse("https://x/api", status=status, request=request)))

    assert describe_failure(http(404)) == ("board gone (HTTP 404)", True)
    assert describe_failure(http(503, 2)) == ("HTTP 503 after 2 retries", False)
    assert describe_failure(http(500, 1)) == ("HTTP 500 after 1 retry", False)
    assert describe_failure(Failure(IgnoreRequest("Forbidden by robots.txt"))) == ("forbidden by robots.txt", False)
    assert describe_failure(Failure(DNSLookupError("nope"))) == ("host not found (DNS)", False)


def test_a_source_whose_request_never_came_back_is_reported():
    config = parse_sources({"sources": [{"type": "greenhouse", "board": "acme"}]})
    spider = spider_class("greenhouse")(sources=config.sources, relevance=None)
    list(spider.start_requests())
    spider.closed("finished")
    progress = spider.progress["greenhouse:acme"]
    assert not progress.complete and progress.errors == [
        "no response: the request was dropped before it was answered"]
