"""The sources file: validation that names file, entry and field; base_url; the filter; defaults."""

from __future__ import annotations

import pytest

from jobmatch.crawler.errors import SourceError
from jobmatch.crawler.relevance import RelevanceFilter
from jobmatch.crawler.sources import BOARD_TYPES, load_sources, parse_sources, rebase_url


def _write(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_sources_file_loads_with_keys_names_and_filter(tmp_path):
    path = _write(tmp_path, """
filter: none
sources:
  - {type: greenhouse, board: anthropic}
  - {type: lever, site: mistral, region: eu, name: Mistral EU}
  - {type: ashby, board: cohere, company_name: Cohere}
  - {type: workable, company: huggingface}
  - {type: smartrecruiters, company: Acme}
  - {type: remotive, category: software-dev}
  - {type: remoteok}
  - {type: arbeitnow}
  - {type: jsonld, urls: ["https://example.org/careers/1"]}
  - {type: rss, urls: https://example.org/jobs.rss}
""")
    config = load_sources(path)
    assert config.relevance is None
    names = [s.name for s in config.sources]
    assert names == ["greenhouse:anthropic", "Mistral EU", "ashby:cohere", "workable:huggingface",
                     "smartrecruiters:Acme", "remotive", "remoteok", "arbeitnow", "jsonld:example.org",
                     "rss:example.org"]
    assert config.sources[1].api_url("/v0/postings/mistral?mode=json").startswith("https://api.eu.lever.co/")
    assert config.sources[2].company_name == "Cohere"
    assert config.sources[9].urls == ("https://example.org/jobs.rss",)


def test_base_url_replaces_scheme_and_host_and_keeps_the_path():
    config = parse_sources({"sources": [{"type": "greenhouse", "board": "acme", "base_url": "http://127.0.0.1:8123"}]})
    source = config.sources[0]
    assert source.api_url("/v1/boards/acme/jobs?content=true") == "http://127.0.0.1:8123/v1/boards/acme/jobs?content=true"
    assert source.page_url("https://www.arbeitnow.com/api/job-board-api?page=2") == \
        "http://127.0.0.1:8123/api/job-board-api?page=2"
    assert rebase_url("https://a.example/x?y=1", "http://mirror:9/prefix/") == "http://mirror:9/prefix/x?y=1"
    assert rebase_url("https://a.example/x", None) == "https://a.example/x"


@pytest.mark.parametrize("text, message", [
    ("- just a list", "expected a mapping with a 'sources' list"),
    ("sources: []", "'sources' must be a non-empty list"),
    ("sources:\n  - {type: monster, board: x}", "sources[0].type: expected one of"),
    ("sources:\n  - {type: greenhouse}", "sources[0].board: required for a greenhouse source"),
    ("sources:\n  - {type: greenhouse, board: ok}\n  - {type: lever, board: x}", "sources[1].board: unknown field"),
    ("sources:\n  - {type: jsonld, urls: []}", "sources[0].urls: required"),
    ("sources:\n  - {type: rss, urls: [ftp://x/feed]}", "sources[0].urls[0]: expected an http(s) URL"),
    ("sources:\n  - {type: ashby, board: a, base_url: 127.0.0.1:80}", "sources[0].base_url: expected http(s)"),
    ("sources:\n  - {type: lever, site: a, region: us}", "sources[0].region: expected 'eu'"),
    ("sources:\n  - {type: remoteok}\n  - {type: remoteok}", "sources[1].name: 'remoteok' already used"),
    ("sources:\n  - {type: remoteok}\nfilter: {titles: [ml], colour: red}", "filter.colour: unknown key"),
    ("sources:\n  - {type: remoteok}\nfilter: {min_keywords: -1}", "filter.min_keywords"),
    ("sources:\n  - {type: remoteok}\nextra: 1", "unknown top-level key(s): extra"),
    ("sources:\n  - {type: greenhouse, board: a/b}", "sources[0].board"),
])
def test_malformed_sources_name_file_entry_and_field(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(SourceError) as error:
        load_sources(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_yaml_errors_name_line_and_column(tmp_path):
    path = _write(tmp_path, "sources:\n  - {type: greenhouse, board: [unclosed\n")
    with pytest.raises(SourceError, match=r"sources.yaml:\d+:\d+: not valid YAML"):
        load_sources(path)


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such sources file"):
        load_sources(tmp_path / "nope.yaml")


def test_filter_mapping_replaces_the_lists_it_names():
    config = parse_sources({"filter": {"titles": ["Prompt Engineer"], "min_keywords": 1},
                            "sources": [{"type": "remoteok"}]})
    assert config.relevance == RelevanceFilter(titles=("prompt engineer",), min_keywords=1)
    assert parse_sources({"sources": [{"type": "remoteok"}]}).relevance == RelevanceFilter()


def test_the_bundled_sources_file_is_valid_and_real():
    config = load_sources()
    assert len(config.sources) >= 30
    assert config.relevance is not None
    types = {source.type for source in config.sources}
    assert {"greenhouse", "ashby", "lever"} <= types <= set(BOARD_TYPES)
    assert all(source.base_url is None for source in config.sources)
