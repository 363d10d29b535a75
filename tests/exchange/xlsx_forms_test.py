#!/usr/bin/env python3
"""Every XLSX the system writes, opened with a real reader (openpyxl) and checked cell by cell (issue 19).

Runs against the demo system (./saima test starts it): the exports are enumerated from the OpenAPI description the
gateway serves (every operation answering with a file), so that a new export without a request here fails. Each
workbook is checked for what makes it a form: a title block above a frozen header row, A4 landscape printed one
page wide, column widths, and cells typed by their column: amounts, counts and rates are numbers with their number
formats, codes stay text. The provincial package is also rendered by LibreOffice (PDF, then PNG) into the test
artifacts.
"""
import io
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import openpyxl

BASE = os.environ["SAIMA_GATEWAY_HTTP"]
CONTEXT = ssl.create_default_context(cafile=os.environ["SAIMA_GATEWAY_CA"])
ARTIFACTS = os.environ.get("SAIMA_ARTIFACTS", tempfile.gettempdir())

# Columns whose values are text even when they are digits: codes and ids (leading zeros, no arithmetic).
TEXT_HEADERS = re.compile(r"(代码|编号|年度|单位|SHA-256|表|对象|截至|季度|指标|分组|规则|项目)$")
COUNT_HEADERS = {"序号", "名次", "行数", "数量", "版本", "逾期天数", "开工月数", "连续预警滞后(月)", "督办下发",
                 "督办办结", "赛马名次", "计划年内开工项目", "已开工", "计入评分表"}
NUMBER_TEXT = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?$")


def get(path, token):
    request = urllib.request.Request(BASE + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, context=CONTEXT, timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def latest_campaign():
    _, _, body = get("/v1/campaigns", os.environ["SAIMA_LEADER_TOKEN"])
    campaigns = [c for c in json.loads(body)["campaigns"] if c.get("published")]  # results exist once published
    return max(campaigns, key=lambda c: (c["year"], int(c["campaignId"])))["campaignId"]


def export_requests():
    """operationId → the request of each export in the demo; None for a file that is not a workbook."""
    return {
        "GatewayService_GetProvincialPackage": "/v1/reports/provincial?period=2023-05&format=xlsx",
        "GatewayService_ExportContestResults": f"/v1/campaigns/{latest_campaign()}/results:export?format=xlsx",
        "GatewayService_ExportDispatchAgenda": "/v1/dispatch/agenda:export?period=2023-05",
        "GatewayService_ExportVerificationFlags": "/v1/verification-flags:export?period=2023-05",
        "GatewayService_ExportQuarterlyAnalysis": "/v1/analysis/quarterly:export?year=2023&quarter=1",
        "GatewayService_ExportAnnualSummary": "/v1/analysis/annual:export?year=2023&period=2023-05",
        "GatewayService_GetProjectOc4ids": None,  # OC4IDS JSON documents (tests/exchange/oc4ids_test.py)
        "GatewayService_GetOc4idsPackage": None,
        "RegistryService_GetDocumentFile": None,  # an uploaded material, served as it was checked (hostile_test)
    }


def file_operations():
    _, _, body = get("/openapi.json", os.environ["SAIMA_LEADER_TOKEN"])
    spec = json.loads(body)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            if "application/octet-stream" in content:
                yield operation["operationId"], path


def expected_kind(header):
    """'amount', 'count', 'rate', 'text' or None (not pinned) for a column, from its header."""
    if header in COUNT_HEADERS:
        return "count"
    if re.search(r"\((元|万元|亿元|百分点)\)$", header) or header.startswith("得分") or re.search(r"\(\d+%\)$", header):
        return "amount"
    if header.endswith("率") or header.endswith("增长") or header == "增长目标":
        return "rate"
    if TEXT_HEADERS.search(header):
        return "text"
    return None


class WorkbookTest(unittest.TestCase):
    checked = {}

    @classmethod
    def setUpClass(cls):
        token = os.environ["SAIMA_STATS_TOKEN"]
        cls.requests = export_requests()
        cls.workbooks = {}
        for operation_id, path in file_operations():
            cls.workbooks[operation_id] = None
            request = cls.requests.get(operation_id, "missing")
            if request in (None, "missing"):
                continue
            status, content_type, body = get(request, token)
            assert status == 200, (request, status)
            assert "spreadsheetml" in content_type, (request, content_type)
            cls.workbooks[operation_id] = (request, body)

    def test_every_export_is_enumerated(self):
        self.assertGreaterEqual(len(self.workbooks), 7)
        for operation_id in self.workbooks:
            self.assertIn(operation_id, self.requests, f"{operation_id} answers with a file: add its request here")

    def test_every_sheet_is_a_form(self):
        cells = sheets = 0
        for operation_id, found in self.workbooks.items():
            if found is None:
                continue
            request, body = found
            workbook = openpyxl.load_workbook(io.BytesIO(body))
            for ws in workbook.worksheets:
                with self.subTest(request=request, sheet=ws.title):
                    cells += self.check_sheet(ws)
                    sheets += 1
        print(f"\n{len([w for w in self.workbooks.values() if w])} workbooks, {sheets} sheets, {cells} cells checked",
              file=sys.stderr)
        self.assertGreater(cells, 500)

    def check_sheet(self, ws):
        self.assertIsNotNone(ws.freeze_panes, "no frozen header row")
        header_row = ws[ws.freeze_panes].row - 1
        self.assertGreaterEqual(header_row, 3, "no title block above the header")
        title = ws.cell(1, 1).value
        self.assertIsInstance(title, str)
        self.assertTrue(title.strip())
        self.assertRegex(ws.cell(2, 1).value or "", r"^(报告期|年度)：", "no notes under the title")
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertEqual(ws.page_setup.paperSize, 9)  # A4
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertIn(ws.page_setup.fitToWidth, (None, 1))  # absent is 1, the attribute's default in OOXML
        self.assertEqual(ws.page_setup.fitToHeight, 0)
        self.assertEqual(ws.print_title_rows, f"${header_row}:${header_row}")
        headers = [c.value for c in ws[header_row]]
        checked = 0
        for column, header in enumerate(headers, start=1):
            self.assertIsInstance(header, str, f"column {column} has no header")
            letter = openpyxl.utils.get_column_letter(column)
            width = ws.column_dimensions[letter].width
            self.assertGreaterEqual(width or 0, 6, f"{header}: no column width")
            kind = expected_kind(header)
            for row in range(header_row + 1, ws.max_row + 1):
                cell = ws.cell(row, column)
                value = cell.value
                where = f"{header} row {row}: {value!r}"
                if value is None or value == "—":
                    continue
                if kind == "count":
                    self.assertIsInstance(value, int, where)
                    self.assertEqual(cell.number_format, "0", where)
                elif kind == "amount":
                    self.assertIsInstance(value, (int, float), where)
                    self.assertIn("#,##0", cell.number_format, where)
                    if header.endswith("(元)"):
                        self.assertEqual(cell.number_format, "#,##0", where)
                        self.assertEqual(value, int(value), where)
                    if width is not None:
                        self.assertGreaterEqual(width, len(f"{value:,.2f}") - 3, f"{header}: too narrow for {value}")
                elif kind == "rate":
                    self.assertIsInstance(value, (int, float), where)
                    self.assertIn("%", cell.number_format, where)
                    self.assertLess(abs(value), 1000, where)
                elif kind == "text":
                    self.assertIsInstance(value, str, where)
                else:
                    # Free text; but a number must never be stored as text.
                    self.assertFalse(isinstance(value, str) and NUMBER_TEXT.match(value), where)
                checked += 1
        return checked

    def test_the_provincial_package_renders(self):
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        self.assertIsNotNone(soffice, "LibreOffice (libreoffice-calc) is needed to render the package")
        _, body = self.workbooks["GatewayService_GetProvincialPackage"]
        out = os.path.join(ARTIFACTS, "provincial-package")
        os.makedirs(out, exist_ok=True)
        xlsx = os.path.join(out, "provincial-2023-05.xlsx")
        with open(xlsx, "wb") as f:
            f.write(body)
        profile = tempfile.mkdtemp(prefix="saima-lo-")
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", out, xlsx], check=True, capture_output=True, timeout=180)
        shutil.rmtree(profile, ignore_errors=True)
        pdf = os.path.join(out, "provincial-2023-05.pdf")
        self.assertTrue(os.path.getsize(pdf) > 1000)
        info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
        self.assertGreater(float(size.group(1)), float(size.group(2)), "pages are not landscape")
        subprocess.run(["pdftoppm", "-png", "-r", "80", pdf, os.path.join(out, "page")], check=True, timeout=120)
        pngs = sorted(p for p in os.listdir(out) if p.endswith(".png"))
        self.assertEqual(len(pngs), pages)
        print(f"\nprovincial package rendered by LibreOffice: {pages} landscape A4 pages → {out}", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
