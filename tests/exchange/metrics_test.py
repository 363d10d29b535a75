#!/usr/bin/env python3
"""Metrics of the running demo (issue 19): every process serves Prometheus metrics on a port of its own, with the
standard gRPC server metric names, and the change-feed gauges are there from the start."""
import os
import re
import unittest
import urllib.request


def scrape(name):
    with urllib.request.urlopen(os.environ[f"SAIMA_METRICS_{name}"], timeout=10) as response:
        return response.read().decode("utf-8")


class MetricsTest(unittest.TestCase):
    def test_every_process_is_scrapable(self):
        for name in ("REGISTRY", "STATS", "SCORING", "GATEWAY"):
            with self.subTest(process=name):
                text = scrape(name)
                self.assertIn("# TYPE", text)
                if name != "GATEWAY":
                    self.assertRegex(text, r'grpc_server_handled_total\{grpc_code="OK",grpc_method="[A-Za-z]+",'
                                           r'grpc_service="saima\.[a-z]+\.v1\.[A-Za-z]+",grpc_type="unary"\} [1-9]')
                    self.assertIn("grpc_server_handling_seconds_bucket{", text)
                    self.assertNotIn("saima_rpc_requests_total", text)
                else:
                    self.assertIn("saima_http_requests_total{", text)

    def test_change_feed_gauges_are_present(self):
        head = re.search(r"^saima_change_feed_head_revision (\S+)$", scrape("REGISTRY"), re.M)
        applied = re.search(r"^saima_change_feed_applied_revision (\S+)$", scrape("STATS"), re.M)
        self.assertIsNotNone(head)
        self.assertIsNotNone(applied)
        self.assertGreater(float(head.group(1)), 0)
        self.assertLessEqual(float(applied.group(1)), float(head.group(1)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
