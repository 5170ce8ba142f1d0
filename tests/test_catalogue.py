"""One message catalogue: every code has zh and en texts and a valid severity; the stable
codes scripts rely on exist; every rendered message fills its placeholders."""

from __future__ import annotations

import re

from pbm.findings import Finding, catalogue

REQUIRED = {f"G{i}" for i in range(1, 14)} | {
    "G-PRIOR-ASSESSMENT", "G-LEVEL1", "G-LEVEL2", "G-DUPLICATE", "R-PLACEHOLDER", "R-UNPARSEABLE",
    "R-NO-HEADER", "R-UNREADABLE"}


def test_every_entry_has_both_languages_and_a_severity():
    for code, entry in catalogue().items():
        assert entry.get("zh") and entry.get("en"), code
        assert entry.get("severity") in ("error", "warning", "info"), code


def test_required_codes_exist():
    assert set(catalogue()) >= REQUIRED


def test_placeholders_name_only_params_a_finding_can_fill():
    # a message must not print "{param}" when its params are given: check the rule texts
    for code, entry in catalogue().items():
        for lang in ("zh", "en"):
            names = set(re.findall(r"{(\w+)}", entry[lang]))
            finding = Finding(code, params={n: "X" for n in names})
            assert "{" not in finding.message(lang), (code, lang)
