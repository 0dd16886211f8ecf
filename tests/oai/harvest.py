"""Harvests a Savoirs server with Sickle, a real OAI-PMH harvester, and checks
every response against the OAI-PMH and oai_dc XML schemas shipped beside this
script (the published files, loaded without network).

Usage: python harvest.py BASE_URL

The integration test `oai::a_real_harvester_takes_the_whole_base` runs it. After
the first page of the full harvest it prints `PAUSE` and waits for a line on
standard input, so that the test can change the base mid-harvest. At the end it
prints one line of JSON: what it harvested.
"""

import json
import sys
from pathlib import Path

import xmlschema
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

SCHEMAS = Path(__file__).resolve().parent / "schemas"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"

# The schemas' absolute addresses, as they import one another, mapped to the
# local copies; allow="local" makes any attempt to go online an error.
LOCAL = {
    "OAI-PMH.xsd": ["http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"],
    "oai_dc.xsd": ["http://www.openarchives.org/OAI/2.0/oai_dc.xsd"],
    "simpledc20021212.xsd": ["http://dublincore.org/schemas/xmls/simpledc20021212.xsd"],
    "xml.xsd": ["http://www.w3.org/2001/xml.xsd", "http://www.w3.org/2001/03/xml.xsd"],
}
URI_MAP = {url: (SCHEMAS / name).as_uri() for name, urls in LOCAL.items() for url in urls}
OFFLINE = dict(uri_mapper=URI_MAP, allow="local", use_fallback=False)

# OAI-PMH.xsd checks <metadata> content strictly: it must know oai_dc too.
SCHEMA = xmlschema.XMLSchema10(
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
    locations={OAI_DC_NS: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"},
    **OFFLINE,
)

validated = 0


def validate(text):
    global validated
    SCHEMA.validate(xmlschema.XMLResource(text.encode("utf-8"), allow="local"))
    validated += 1


class CheckingSickle(Sickle):
    """Sickle, validating every response it receives, resumed pages included."""

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        validate(response.raw)
        return response


def main():
    base = sys.argv[1]
    sickle = CheckingSickle(base, max_retries=0, timeout=60)
    assert sickle.Identify().deletedRecord == "persistent"
    for f in sickle.ListMetadataFormats():
        assert f.metadataPrefix == "oai_dc", f.metadataPrefix

    # The whole base, page by page; the test changes it after the first page.
    latest = {}
    records = sickle.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False)
    first_page = None
    for n, record in enumerate(records):
        if first_page is None:
            first_page = records.resumption_token is not None
        latest[record.header.identifier] = record
        if n == 0:
            print("PAUSE", flush=True)
            sys.stdin.readline()
    deleted = sorted(i for i, r in latest.items() if r.header.deleted)

    # Every set, by ListIdentifiers and by ListRecords: the same identifiers,
    # and the same sets in each header as in the full harvest.
    sets = {}
    for s in sickle.ListSets():
        try:
            heads = {
                h.identifier: h
                for h in sickle.ListIdentifiers(
                    metadataPrefix="oai_dc", set=s.setSpec, ignore_deleted=False
                )
            }
            full = {
                r.header.identifier
                for r in sickle.ListRecords(
                    metadataPrefix="oai_dc", set=s.setSpec, ignore_deleted=False
                )
            }
        except NoRecordsMatch:
            heads, full = {}, set()
        assert set(heads) == full, (s.setSpec, sorted(set(heads) ^ full))
        for identifier, h in heads.items():
            assert s.setSpec in h.setSpecs or any(
                spec.startswith(s.setSpec + ":") for spec in h.setSpecs
            ), (s.setSpec, identifier, h.setSpecs)
        sets[s.setSpec] = len(heads)

    # Each record again, alone.
    for identifier, record in latest.items():
        got = sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc")
        assert got.header.identifier == identifier
        if not record.header.deleted and not got.header.deleted:
            assert got.metadata["title"] == record.metadata["title"], identifier

    print(
        json.dumps(
            {
                "records": len(latest),
                "deleted": deleted,
                "titles": sorted(
                    r.metadata["title"][0] for r in latest.values() if not r.header.deleted
                ),
                "sets": sets,
                "validated": validated,
                "paged": bool(first_page),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
