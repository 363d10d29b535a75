#!/usr/bin/env python3
"""The OC4IDS package and project documents, validated against the official OC4IDS 0.9.5 schemas (issue 19).

Runs against the demo system. The schemas and codelists are the publisher's files, vendored unchanged in
tests/exchange/standards/ (see its README); jsonschema is Debian's python3-jsonschema.
"""
import json
import os
import ssl
import unittest
import urllib.request

import jsonschema

BASE = os.environ["SAIMA_GATEWAY_HTTP"]
CONTEXT = ssl.create_default_context(cafile=os.environ["SAIMA_GATEWAY_CA"])
HERE = os.path.dirname(os.path.abspath(__file__))
STANDARD = os.path.join(HERE, "standards", "oc4ids-0.9.5")


def get(url, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    request = urllib.request.Request(url if url.startswith("http") else BASE + url, headers=headers)
    with urllib.request.urlopen(request, context=CONTEXT, timeout=120) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def load(name):
    with open(os.path.join(STANDARD, name), encoding="utf-8") as f:
        return json.load(f)


def codelist(name):
    with open(os.path.join(STANDARD, "codelists", name + ".csv"), encoding="utf-8") as f:
        return {line.split(",", 1)[0] for line in f.read().splitlines()[1:]}


PROJECT_SCHEMA = load("project-schema.json")
PACKAGE_SCHEMA = load("project-package-schema.json")
RESOLVER = jsonschema.RefResolver.from_schema(
    PACKAGE_SCHEMA, store={PROJECT_SCHEMA["id"]: PROJECT_SCHEMA, PACKAGE_SCHEMA["id"]: PACKAGE_SCHEMA})


def errors(instance, schema):
    validator = jsonschema.Draft4Validator(schema, resolver=RESOLVER, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def all_projects(token):
    projects, page = [], ""
    while True:
        _, _, body = get(f"/v1/projects?pageSize=1000&pageToken={page}", token)
        answer = json.loads(body)
        projects += answer.get("projects", [])
        page = answer.get("nextPageToken", "")
        if not page:
            return projects


class Oc4idsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        status, content_type, body = get("/v1/oc4ids/project-package", os.environ["SAIMA_LEADER_TOKEN"])
        assert status == 200 and "json" in content_type, (status, content_type)
        cls.package = json.loads(body)

    def test_the_package_is_valid_oc4ids(self):
        self.assertEqual(errors(self.package, PACKAGE_SCHEMA), [])
        for key in ("uri", "publisher", "license", "publishedDate", "version", "publicationPolicy"):
            self.assertIn(key, self.package)
        self.assertEqual(self.package["version"], "0.9")
        self.assertTrue(self.package["uri"].startswith(BASE), self.package["uri"])
        print(f"\nOC4IDS package: {len(self.package['projects'])} projects valid against the 0.9.5 package schema")

    def test_it_holds_every_published_project_once(self):
        expected = {p["projectId"] for p in all_projects(os.environ["SAIMA_LEADER_TOKEN"])
                    if p.get("stage") not in ("PROJECT_STAGE_PLANNING", "PROJECT_STAGE_WITHDRAWN")}
        ids = [p["id"] for p in self.package["projects"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual({i.rsplit("-", 1)[1] for i in ids}, {str(i) for i in expected})
        self.assertGreater(len(ids), 100)

    def test_codes_are_in_the_codelists_or_the_publication_policy(self):
        _, content_type, policy = get(self.package["publicationPolicy"])
        self.assertIn("markdown", content_type)
        policy = policy.decode("utf-8")
        closed = {"status": codelist("projectStatus"), "type": codelist("projectType")}
        documents, milestones = codelist("documentType"), codelist("milestoneType")
        own = set()
        for p in self.package["projects"]:
            self.assertEqual(p["language"], "zh")
            for field, codes in closed.items():
                if field in p:
                    self.assertIn(p[field], codes, p["id"])
            for m in p.get("milestones", []):
                self.assertIn(m["type"], milestones)
                self.assertIn(m["status"], codelist("milestoneStatus"))
            for d in p.get("documents", []):
                if d["documentType"] not in documents:
                    own.add(d["documentType"])
        for code in own:
            self.assertIn(f"`{code}`", policy, f"{code} is not in the codelist and not in the publication policy")
        self.assertTrue({"preparation", "implementation"} <= {p["status"] for p in self.package["projects"]})

    def test_a_unit_sees_its_own_projects_and_one_project_is_valid(self):
        _, _, body = get("/v1/oc4ids/project-package", os.environ["SAIMA_UNIT_TOKEN"])
        own = json.loads(body)
        self.assertEqual(errors(own, PACKAGE_SCHEMA), [])
        authorities = {p["publicAuthority"]["id"] for p in own["projects"]}
        self.assertEqual(len(authorities), 1, authorities)
        self.assertLess(len(own["projects"]), len(self.package["projects"]))
        project_id = own["projects"][0]["id"].rsplit("-", 1)[1]
        _, _, body = get(f"/v1/projects/{project_id}/oc4ids", os.environ["SAIMA_UNIT_TOKEN"])
        self.assertEqual(errors(json.loads(body), PROJECT_SCHEMA), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
