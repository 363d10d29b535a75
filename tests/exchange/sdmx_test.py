#!/usr/bin/env python3
"""SDMX structures and data against the official schemas, and a client reading them (issue 19).

Runs against the demo system. Every structure query (each type × references × detail × format) is validated:
SDMX-JSON 2.0.0 messages with jsonschema (Debian's python3-jsonschema) against the SDMX-JSON structure schema,
SDMX-ML 3.0.0 messages with xmllint (libxml2-utils) against the SDMX-ML XSDs; both are the SDMX technical working
group's files, vendored unchanged in tests/exchange/standards/sdmx-schemas.tar.xz (see the README there). The
client part reads the data structure from the structure message, then the data in SDMX-CSV, and checks every
column and code against it, as an SDMX tool would.
"""
import csv
import io
import itertools
import json
import os
import shutil
import ssl
import subprocess
import sys
import tarfile
import tempfile
import unittest
import urllib.error
import urllib.request

import jsonschema

BASE = os.environ["SAIMA_GATEWAY_HTTP"]
CONTEXT = ssl.create_default_context(cafile=os.environ["SAIMA_GATEWAY_CA"])
HERE = os.path.dirname(os.path.abspath(__file__))
JSON_TYPE = "application/vnd.sdmx.structure+json;version=2.0.0"
XML_TYPE = "application/vnd.sdmx.structure+xml;version=3.0.0"
CSV_TYPE = "application/vnd.sdmx.data+csv;version=2.0.0"


def get(path, accept=None, token=None):
    headers = {}
    if accept:
        headers["Accept"] = accept
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(BASE + path, headers=headers)
    try:
        with urllib.request.urlopen(request, context=CONTEXT, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


class SdmxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schemas = tempfile.mkdtemp(prefix="saima-sdmx-schemas-")
        with tarfile.open(os.path.join(HERE, "standards", "sdmx-schemas.tar.xz")) as tar:
            tar.extractall(cls.schemas)
        with open(os.path.join(cls.schemas, "sdmx-json-2.0.0", "sdmx-json-structure-schema.json")) as f:
            cls.json_validator = jsonschema.Draft7Validator(json.load(f), format_checker=jsonschema.FormatChecker())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.schemas, ignore_errors=True)

    def json_errors(self, message):
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in self.json_validator.iter_errors(message)]

    def xml_errors(self, body):
        with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as f:
            f.write(body)
        try:
            run = subprocess.run(["xmllint", "--noout", "--schema",
                                  os.path.join(self.schemas, "sdmx-ml-3.0.0", "SDMXMessage.xsd"), f.name],
                                 capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)
        return [] if run.returncode == 0 else run.stderr.splitlines()[:5]

    def test_every_structure_query_validates(self):
        types = ["dataflow", "datastructure", "conceptscheme", "codelist", "*"]
        references = ["none", "parents", "parentsandsiblings", "children", "descendants", "all", "codelist"]
        details = ["full", "allstubs", "referencestubs"]
        checked = 0
        for kind, ref, detail in itertools.product(types, references, details):
            for accept in (JSON_TYPE, XML_TYPE):
                path = f"/sdmx/structure/{kind}/SAIMA/*/+?references={ref}&detail={detail}"
                status, content_type, body = get(path, accept)
                with self.subTest(path=path, accept=accept):
                    self.assertEqual(status, 200, body[:300])
                    self.assertTrue(content_type.startswith(accept), content_type)
                    errors = self.json_errors(json.loads(body)) if accept == JSON_TYPE else self.xml_errors(body)
                    self.assertEqual(errors, [])
                    checked += 1
        print(f"\n{checked} SDMX structure messages valid (SDMX-JSON 2.0.0 schema, SDMX-ML 3.0.0 XSD)", file=sys.stderr)

    def test_structure_errors(self):
        self.assertEqual(get("/sdmx/structure/dataflow/SAIMA/FAI/1.0.0", "application/vnd.sdmx.structure+json;"
                             "version=1.0.0")[0], 406)
        self.assertEqual(get("/sdmx/structure/dataflow/SAIMA/FAI/9.0.0")[0], 404)
        self.assertEqual(get("/sdmx/structure/categoryscheme/SAIMA")[0], 404)
        self.assertEqual(get("/sdmx/structure/dataflow/SAIMA/FAI/1.0.0?detail=everything")[0], 400)

    def test_a_client_reads_the_structure_then_the_data(self):
        _, _, body = get("/sdmx/structure/dataflow/SAIMA/FAI/1.0.0?references=descendants", JSON_TYPE)
        data = json.loads(body)["data"]
        dsd = data["dataStructures"][0]["dataStructureComponents"]
        codelists = {c["links"][0]["urn"]: {code["id"]: code["names"] for code in c["codes"]}
                     for c in data["codelists"]}
        columns = [d["id"] for d in sorted(dsd["dimensionList"]["dimensions"], key=lambda d: d["position"])]
        columns += [dsd["dimensionList"]["timeDimension"]["id"]]
        columns += [m["id"] for m in dsd["measureList"]["measures"]]
        columns += [a["id"] for a in dsd["attributeList"]["attributes"]]
        coded = {c["id"]: codelists[c["localRepresentation"]["enumeration"]]
                 for c in dsd["dimensionList"]["dimensions"] + dsd["attributeList"]["attributes"]}
        region = next(iter(coded["REF_AREA"]))
        token = os.environ["SAIMA_LEADER_TOKEN"]
        status, content_type, body = get(
            f"/sdmx/data/dataflow/SAIMA/FAI/1.0.0/M.{region}.FAI_YTD,M.{region}.FAI_YOY"
            "?c%5BTIME_PERIOD%5D=ge:2023-02+le:2023-05", CSV_TYPE, token)
        self.assertEqual(status, 200, body[:300])
        self.assertTrue(content_type.startswith(CSV_TYPE), content_type)
        text = body.decode("utf-8")
        self.assertTrue(text.endswith("\r\n"))
        self.assertNotIn("\n", text.replace("\r\n", ""))
        rows = list(csv.DictReader(io.StringIO(text)))
        self.assertEqual(list(rows[0].keys()), ["STRUCTURE", "STRUCTURE_ID", "ACTION"] + columns)
        self.assertEqual(len(rows), 8)  # two indicators × four reporting periods
        for row in rows:
            self.assertEqual(row["STRUCTURE_ID"], "SAIMA:FAI(1.0.0)")
            for component, codes in coded.items():
                self.assertIn(row[component], codes, component)
        may = {row["INDICATOR"]: row for row in rows if row["TIME_PERIOD"] == "2023-05"}
        _, _, indicators = get("/v1/indicators?period=2023-05", None, token)
        city = json.loads(indicators)
        self.assertEqual(may["FAI_YTD"]["OBS_VALUE"], city["total"]["ytdYuan"])
        growth = city["total"]["yoyGrowth"]
        self.assertAlmostEqual(float(may["FAI_YOY"]["OBS_VALUE"]),
                               100 * int(growth["numerator"]) / int(growth["denominator"]), places=3)
        names = coded["INDICATOR"]
        print(f"\nSDMX client: {names['FAI_YTD']['zh']} 2023-05 = {int(may['FAI_YTD']['OBS_VALUE']) / 1e8:.2f} 亿元, "
              f"{names['FAI_YOY']['zh']} {float(may['FAI_YOY']['OBS_VALUE']):.1f}% "
              f"({names['FAI_YOY']['en']})", file=sys.stderr)

    def test_data_needs_a_token_unless_the_city_publishes(self):
        status, _, _ = get("/sdmx/data/dataflow/SAIMA/FAI/1.0.0/*?c%5BTIME_PERIOD%5D=eq:2023-04")
        self.assertEqual(status, 401)  # the demo does not serve data without a token (the default)


if __name__ == "__main__":
    unittest.main(verbosity=2)
