"""The boards added in the declared-board shape: each parser on fixtures written in the documented
shapes (invented companies and postings), and each spider's own callbacks on those fixtures
(paging, detail requests, fallbacks) without a reactor. Real crawls: ``test_boards_crawl.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse

from jobmatch.crawler.boards import (
    hackernews,
    himalayas,
    jobicy,
    personio,
    recruitee,
    rippling,
    teamtailor,
    weworkremotely,
    workday,
    workingnomads,
)
from jobmatch.crawler.boards.base import DETAIL_MISSING, Crawl
from jobmatch.crawler.boards.fields import BoardFormatError
from jobmatch.crawler.posting import Posting
from jobmatch.crawler.sources import parse_sources
from jobmatch.crawler.spiders import spider_class

FIXTURES = Path(__file__).parent / "fixtures" / "boards"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def response(name: str, url: str = "https://boards.example/api", body: bytes | None = None) -> TextResponse:
    cls = HtmlResponse if name.endswith(".html") else XmlResponse if name.endswith((".xml", ".rss")) else TextResponse
    return cls(url=url, body=raw(name) if body is None else body, encoding="utf-8", request=Request(url))


def spider_for(entry: dict, relevance="none"):
    config = parse_sources({"sources": [entry], "filter": relevance})
    spider = spider_class(entry["type"])(sources=config.sources, relevance=config.relevance)
    return spider, config.sources[0]


def run(entry: dict, handler: str, fixture: str, relevance="none", page_size: int = 100, url=None, **kwargs):
    """The spider's own callback on a fixture: (postings, requests, progress)."""
    spider, source = spider_for(entry, relevance)
    spider.page_size = page_size
    first = list(spider.start_requests())
    spider.progress[source.name].pending = 0
    output = list(getattr(spider, handler)(response(fixture, url or "https://boards.example/api"), source, **kwargs))
    postings = [item for item in output if isinstance(item, Posting)]
    requests = [item for item in output if isinstance(item, Request)]
    return postings, requests, spider.progress[source.name], first


def crawl_of(entry: dict) -> Crawl:
    config = parse_sources({"sources": [entry]})
    return Crawl(source=config.sources[0])


WORKDAY = {"type": "workday", "tenant": "globex", "instance": "wd5", "site": "External"}


# Workday --------------------------------------------------------------------------------------------

def test_workday_posts_the_list_and_pages_by_offset_with_the_total_of_the_first_page():
    spider, source = spider_for(WORKDAY)
    spider.page_size = 2
    (first,) = list(spider.start_requests())
    assert first.method == "POST" and first.url == "https://globex.wd5.myworkdayjobs.com/wday/cxs/globex/External/jobs"
    assert json.loads(first.body) == {"appliedFacets": {}, "limit": 2, "offset": 0, "searchText": ""}
    assert first.headers[b"Content-Type"] == b"application/json"
    postings, requests, progress, _ = run(WORKDAY, "parse_list", "workday_jobs.json", relevance="default",
                                          page_size=2, offset=0)
    assert postings == []  # the list has no descriptions: details are asked for
    details = [r for r in requests if r.method == "GET"]
    pages = [r for r in requests if r.method == "POST"]
    assert [r.url.rsplit("_", 1)[1] for r in details] == ["JR-1001", "JR-1002", "JR-1004"]
    assert details[0].url.endswith("/wday/cxs/globex/External/job/Berlin/Machine-Learning-Engineer--Search-Ranking_JR-1001")
    assert progress.filtered == 1 and "workday:globex:JR-1003" in progress.seen_ids  # payroll: title alone
    assert (progress.entries, progress.dropped, progress.total) == (5, 1, 5)
    assert len(pages) == 1 and json.loads(pages[0].body)["offset"] == 2
    assert pages[0].cb_kwargs["handler_kwargs"] == {"offset": 2, "total": 5}
    # Later pages may say total 0: the first page's total is kept, so paging still stops right.
    later = json.dumps({"total": 0, "jobPostings": load("workday_jobs.json")["jobPostings"][4:]}).encode()
    spider, source = spider_for(WORKDAY)
    spider.page_size = 2
    list(spider.start_requests())
    out = list(spider.parse_list(response("x.json", body=later), source, offset=4, total=5))
    assert [r for r in out if isinstance(r, Request) and r.method == "POST"] == []
    assert spider.progress[source.name].total == 5


def test_workday_detail_gives_the_description_and_the_list_gives_the_id_and_link():
    crawl = crawl_of(WORKDAY)
    posting = workday.parse_detail(load("workday_detail_JR-1001.json"), crawl, "JR-1001")
    assert posting.id == "workday:globex:JR-1001" and posting.company == "Globex Logistics SE"
    assert posting.locations == ["Berlin, Germany", "Munich, Germany"] and posting.employment_type == "full-time"
    assert "Train ranking models with PyTorch & LightGBM" in posting.description and "<" not in posting.description
    assert posting.posted_at == "2026-01-05"
    second = workday.parse_detail(load("workday_detail_JR-1002.json"), crawl, "JR-1002",
                                  url="https://globex.wd5.myworkdayjobs.com/External/job/x_JR-1002")
    assert second.source_id == "JR-1002"  # the list's id, not jobReqId: seen ids and postings agree
    assert second.remote is True and second.employment_type == "part-time" and second.company == "globex"
    assert second.description == "Demand forecasting with Python, scikit-learn and time-series models."
    assert second.url.endswith("x_JR-1002")  # no externalUrl: the list's link
    with pytest.raises(BoardFormatError, match="jobPostingInfo"):
        workday.parse_detail({"error": "nope"}, crawl, "JR-1")
    summary = workday.parse_summary(load("workday_jobs.json")["jobPostings"][1], crawl)
    assert summary.title == "Senior Data Scientist & Forecasting" and summary.locations == []  # "2 Locations"
    assert summary.url == "https://globex.wd5.myworkdayjobs.com/External/job/Remote-USA/Senior-Data-Scientist_JR-1002"


def test_a_failed_detail_lands_the_list_posting_marked_and_fails_the_source():
    from twisted.python.failure import Failure

    spider, source = spider_for(WORKDAY)
    list(spider.start_requests())
    spider.progress[source.name].pending = 0
    output = list(spider.parse_list(response("workday_jobs.json"), source, offset=0))
    detail = next(r for r in output if isinstance(r, Request) and r.url.endswith("JR-1004"))
    spider.progress[source.name].pending = 1
    error = Failure(ConnectionRefusedError("refused"))
    error.request = detail
    (landed,) = spider._on_failure(error)
    assert landed.id == "workday:globex:JR-1004" and landed.description == ""
    assert landed.structured[DETAIL_MISSING].startswith("ConnectionRefusedError") or landed.structured[DETAIL_MISSING]
    progress = spider.progress[source.name]
    assert not progress.gone and progress.errors and not progress.complete


def test_workday_html_instead_of_json_is_one_reason():
    spider, source = spider_for(WORKDAY)
    list(spider.start_requests())
    list(spider._on_response(response("workday_challenge.html"), source.name, "parse_list", {"offset": 0}))
    progress = spider.progress[source.name]
    assert progress.errors == [
        "expected JSON, got an HTML or XML page (a bot check, a login page or a moved board?) "
        "(https://boards.example/api)"]


# Recruitee, Breezy, Rippling ------------------------------------------------------------------------

def test_recruitee_offers_join_description_and_requirements():
    page = recruitee.parse_offers(load("recruitee.json"), source="recruitee:initrobotics", company="initrobotics",
                                  site="https://initrobotics.recruitee.com")
    first, second, third = page.postings
    assert first.company == "Initrobotics B.V." and first.locations == ["Utrecht", "Ghent, Belgium"]
    assert first.description == ("Build perception models for warehouse robots with PyTorch and OpenCV.\n\n"
                                 "3+ years of deep learning\nCUDA & C++")
    assert (first.salary_min, first.salary_max, first.salary_currency, first.salary_period) == (60000, 80000, "EUR", "year")
    assert first.employment_type == "full-time" and first.posted_at == "2026-01-05T09:00:00Z"
    assert first.structured == {"skills": ["pytorch", "computer vision"]} and first.remote is False
    assert second.locations == ["Utrecht, Netherlands"] and second.employment_type == "part-time"
    assert third.company == "initrobotics" and third.remote is True and third.seniority == "senior"
    assert third.posted_at is None and third.salary_min is None
    assert third.url == "https://initrobotics.recruitee.com/o/research-scientist-llm"  # no careers_url: made
    assert (page.entries, page.dropped) == (4, 1)
    with pytest.raises(BoardFormatError, match="'offers'"):
        recruitee.parse_offers([], source="r")


def test_breezy_list_asks_for_posting_pages_and_takes_their_jobposting():
    entry = {"type": "breezy", "company": "umbrellaworks", "base_url": "http://127.0.0.1:9"}
    postings, requests, progress, first = run(entry, "parse_list", "breezy.json", relevance="default")
    assert first[0].url == "http://127.0.0.1:9/json"
    assert [r.url for r in requests] == ["http://127.0.0.1:9/p/b7c1d2e3f4a5-nlp-engineer",
                                         "http://127.0.0.1:9/p/d9e3f4a5b6c7-mlops-engineer"]
    assert progress.filtered == 1 and (progress.entries, progress.dropped) == (5, 2)
    summary = load("breezy.json")[0]
    spider, source = spider_for(entry)
    list(spider.start_requests())
    (posting,) = list(spider.parse_posting_page(response("breezy_posting_nlp.html", "http://127.0.0.1:9/p/x"),
                                                source, summary=summary))
    assert posting.description == "Build multilingual NLP pipelines with spaCy and transformers.\n\nPython\nPolish & English"
    assert posting.company == "Umbrella Works" and posting.locations == ["Kraków, PL"] and posting.remote is False
    assert (posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period) == (
        20000, 28000, "PLN", "month")
    assert posting.url == "https://umbrellaworks.breezy.hr/p/b7c1d2e3f4a5-nlp-engineer"  # the real link, not the mirror
    with pytest.raises(BoardFormatError, match="no schema.org JobPosting"):
        list(spider.parse_posting_page(response("jsonld_none.html"), source, summary=summary))


def test_rippling_merges_one_job_listed_per_location_and_pages():
    entry = {"type": "rippling", "board": "initech-labs", "company_name": "Initech Labs"}
    postings, requests, progress, first = run(entry, "parse_page", "rippling_page0.json", page_size=2, number=0)
    assert first[0].url == "https://ats.rippling.com/api/v2/board/initech-labs/jobs?page=0&pageSize=2"
    ml = postings[0]
    assert ml.locations == ["New York, NY", "Austin, TX"] and ml.remote is False and ml.company == "Initech Labs"
    assert (progress.entries, progress.total) == (2, 4)  # two jobs, the second listing of one merged
    assert [r.url for r in requests] == ["https://ats.rippling.com/api/v2/board/initech-labs/jobs?page=1&pageSize=2"]
    last = rippling.parse_jobs(load("rippling_page1.json"), source="r")
    assert last.postings[0].remote is True and last.dropped == 1


# Personio, Teamtailor, We Work Remotely -------------------------------------------------------------

def test_personio_positions_from_xml():
    page = personio.parse_feed(raw("personio.xml"), source="personio:vandelay", company="Vandelay",
                               site="https://vandelay.jobs.personio.de")
    first, second = page.postings
    assert first.title == "Data Scientist (m/w/d) – Machine Learning" and first.source_id == "1203456"
    assert first.description == ("Deine Aufgaben\nPrognosemodelle mit Python & scikit-learn\nMLOps mit Airflow\n\n"
                                 "Dein Profil\nErfahrung mit PyTorch oder XGBoost.")
    assert first.locations == ["Hamburg", "Remote"] and first.employment_type == "full-time"
    assert first.url == "https://vandelay.jobs.personio.de/job/1203456" and first.seniority == "experienced"
    assert first.structured == {"yearsOfExperience": "2-5"} and first.posted_at == "2026-01-04T10:00:00Z"
    assert second.employment_type == "part-time" and second.seniority == "intern"
    assert page.dropped == 1
    assert crawl_of({"type": "personio", "company": "x", "domain": "com"}).source.api_host() == \
        "https://x.jobs.personio.com"


@pytest.mark.parametrize("body, message", [
    (raw("personio_truncated.xml"), "malformed XML"),
    (b"<html><body>Not here</body></html>", "expected a <workzag-jobs> feed"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><workzag-jobs>'
     b"<position><id>1</id><name>&e;</name></position></workzag-jobs>", None),
])
def test_personio_bad_xml_is_a_board_format_error_and_entities_stay_unresolved(body, message):
    if message is None:
        page = personio.parse_feed(body, source="p")
        assert all("root:" not in p.title for p in page.postings)
        return
    with pytest.raises(BoardFormatError, match=message):
        personio.parse_feed(body, source="p")


def test_teamtailor_rss_with_its_locations_and_remote_status():
    page = teamtailor.parse_feed(raw("teamtailor.rss"), source="teamtailor:hooli", company="Hooli Nordic")
    first, second = page.postings
    assert first.source_id == "4410001" and first.id == "teamtailor:hooli:4410001"
    assert first.locations == ["Stockholm", "Oslo, Norway"] and first.remote is False  # hybrid
    assert first.description == "Recommendation systems with TensorFlow and feature stores.\n\nPython\nSQL"
    assert first.posted_at == "2026-01-05T07:00:00Z" and first.company == "Hooli Nordic"
    assert second.remote is True and second.locations == []
    assert page.dropped == 1


def test_weworkremotely_splits_company_and_role_and_reads_the_region():
    page = weworkremotely.parse_feed(raw("weworkremotely.rss"), source="weworkremotely")
    first, second = page.postings
    assert (first.company, first.title) == ("Cyberdyne Data", "Senior Machine Learning Engineer")
    assert first.locations == ["Anywhere in the World"] and first.remote is True and first.seniority == "senior"
    assert first.description == "Forecasting with PyTorch & Ray."
    assert first.id.startswith("weworkremotely:url-")  # URL guids: the id comes from the URL
    assert second.company is None and second.title == "Frontend Developer without a company prefix"


# Himalayas, Jobicy, Working Nomads, Hacker News -----------------------------------------------------

def test_himalayas_pages_by_offset_until_the_total():
    postings, requests, progress, first = run({"type": "himalayas"}, "parse_page", "himalayas_page1.json",
                                              page_size=2, offset=0)
    assert first[0].url == "https://himalayas.app/jobs/api?limit=2&offset=0"
    assert [r.url for r in requests] == ["https://himalayas.app/jobs/api?limit=2&offset=2"]
    top = postings[0]
    assert top.company == "Soylent Systems" and top.locations == ["United States", "Canada"] and top.remote
    assert (top.salary_min, top.salary_max, top.salary_currency, top.salary_period) == (180000, 220000, "USD", "year")
    assert top.posted_at == "2026-01-05T08:00:00Z" and top.seniority == "staff"
    last = himalayas.parse_jobs(load("himalayas_page2.json"), source="himalayas")
    assert last.postings[0].description == "Churn models in Python and SQL." and last.postings[0].url == "https://duff.example/jobs/7"
    _, none, _, _ = run({"type": "himalayas"}, "parse_page", "himalayas_page2.json", page_size=2, offset=2)
    assert none == []
    searched, _, _, start = run({"type": "himalayas", "search": "machine learning"}, "parse_page",
                                "himalayas_page1.json", offset=None)
    assert start[0].url == "https://himalayas.app/jobs/api/search?q=machine+learning"


def test_jobicy_and_working_nomads():
    page = jobicy.parse_jobs(load("jobicy.json"), source="jobicy")
    first, second = page.postings
    assert first.title == "LLM Engineer" and first.locations == ["Anywhere"] and first.employment_type == "full-time"
    assert (first.salary_min, first.salary_period) == (120000, "year") and first.posted_at == "2026-01-05T11:30:00Z"
    assert second.seniority is None and page.dropped == 1
    assert crawl_of({"type": "jobicy", "industry": "data-science"}).source.api_url(
        jobicy.jobs_path("data-science")) == "https://jobicy.com/api/v2/remote-jobs?count=100&industry=data-science"
    nomads = workingnomads.parse_jobs(load("workingnomads.json"), source="workingnomads")
    first = nomads.postings[0]
    assert (first.company, first.title) == ("Acme Widgets", "Deep Learning Engineer")
    assert first.structured == {"skills": ["python", "pytorch", "jax"]} and first.id.startswith("workingnomads:url-")
    assert nomads.dropped == 1


def test_hacker_news_takes_the_latest_hiring_thread_then_reads_each_comment():
    postings, requests, progress, first = run({"type": "hackernews"}, "parse_search", "hn_search.json")
    assert first[0].url.startswith("https://hn.algolia.com/api/v1/search_by_date?tags=story%2Cauthor_whoishiring")
    assert [r.url for r in requests] == ["https://hn.algolia.com/api/v1/items/46000001"]  # not "who wants to be hired"
    assert postings == [] and progress.entries == 0
    _, _, _, pinned = run({"type": "hackernews", "thread": 45000001}, "parse_thread", "hn_thread.json")
    assert pinned[0].url == "https://hn.algolia.com/api/v1/items/45000001"
    page = hackernews.parse_thread(load("hn_thread.json"), source="hackernews")
    wonka, gringotts, free_form, office = page.postings
    assert (wonka.company, wonka.title, wonka.locations, wonka.remote) == (
        "Wonka Robotics", "Senior ML Engineer, Perception", ["Zurich, Switzerland"], False)
    assert (wonka.salary_min, wonka.salary_max, wonka.salary_currency) == (150000, 190000, "CHF")
    assert wonka.structured == {"links": ["https://wonka.example/jobs"]}
    assert wonka.url == "https://news.ycombinator.com/item?id=46000101"
    assert "perception models for delivery robots" in wonka.description and "<" not in wonka.description
    assert (gringotts.remote, gringotts.locations, gringotts.salary_min, gringotts.salary_currency) == (
        True, ["US, EU"], 170000, "USD")
    assert free_form.title.startswith("We are a small team in Lisbon hiring data scientists")  # no pipes: kept
    assert free_form.company is None and free_form.remote is True and free_form.description
    assert office.title == "Office Manager"
    assert (page.entries, page.dropped) == (5, 1)  # the deleted comment; replies are not postings
    with pytest.raises(BoardFormatError, match="no 'Who is hiring"):
        hackernews.latest_thread({"hits": [{"objectID": "1", "title": "Ask HN: Who wants to be hired?"}]})


def test_hostile_posting_text_is_capped():
    huge = "<p>" + "PyTorch " * 400_000 + "</p>"
    comment = {"id": 1, "text": "Evil Corp | " + "ML Engineer " * 500 + "<p>" + huge}
    posting = hackernews.parse_comment(comment, source="hn")
    assert len(posting.title) <= 150 and len(posting.description) <= 200_000
    offer = recruitee.parse_offer({"id": 1, "title": "ML " * 10_000, "description": huge}, source="r")
    assert len(offer.title) <= 500 and len(offer.description) <= 200_000


def test_a_posting_whose_detail_failed_never_blanks_the_stored_text(tmp_path):
    from types import SimpleNamespace

    from scrapy.settings import Settings
    from scrapy.statscollectors import MemoryStatsCollector

    from jobmatch.crawler.pipelines import StorePipeline
    from jobmatch.crawler.spiders.board_spider import SourceProgress
    from jobmatch.crawler.store import Store

    config = parse_sources({"sources": [WORKDAY]})
    full = Posting(title="ML Engineer", description="PyTorch all day", source="workday:globex", source_id="JR-1")
    bare = Posting(title="ML Engineer", source="workday:globex", source_id="JR-1",
                   structured={DETAIL_MISSING: "HTTP 500 after 2 retries"})
    new = Posting(title="AI Engineer", source="workday:globex", source_id="JR-2", structured={DETAIL_MISSING: "x"})
    for batch in ([full], [bare, new]):
        pipeline = StorePipeline(str(tmp_path / "s.db"), batch_size=10)
        pipeline.crawler = SimpleNamespace(
            stats=MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False}), spider=None)))
        spider = SimpleNamespace(progress={config.sources[0].name: SourceProgress(config.sources[0])})
        pipeline.open_spider(spider)
        for posting in batch:
            pipeline.process_item(posting, spider)
        pipeline.close_spider(spider)
    store = Store(str(tmp_path / "s.db"))
    assert store.get_posting("workday:globex:JR-1").description == "PyTorch all day"
    assert store.get_posting("workday:globex:JR-2").structured == {DETAIL_MISSING: "x"}  # a new one lands marked
    store.close()
