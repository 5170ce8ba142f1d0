"""The value parser as a package: what other modules import from pbm.values is there, and no
module of pbm grows past 800 lines (split it where its parts really are separate)."""

from __future__ import annotations

from pathlib import Path

import pbm
import pbm.values

# Every name the rest of pbm and its tests import from pbm.values.
IMPORTED = (
    "OPS", "ROLES", "Note", "ParsedValue", "MONEY_UNITS", "YUAN_SUSPECT_WAN",
    "cell_text", "decimal_text", "is_placeholder", "money_unit", "normalise_text",
    "parse_money", "parse_value", "plain_decimal", "qualitative_tier", "typed_in_yuan",
)


def test_names_other_modules_import_stay_in_pbm_values():
    missing = [name for name in IMPORTED if not hasattr(pbm.values, name)]
    assert missing == []


def test_star_import_gives_the_parsers_own_api():
    assert sorted(pbm.values.__all__) == sorted([
        "OPS", "Note", "ParsedValue", "is_placeholder", "normalise_text", "parse_money",
        "parse_value", "qualitative_tier"])


def test_no_module_of_pbm_is_over_800_lines():
    folder = Path(pbm.__file__).parent
    sizes = {str(path.relative_to(folder)): len(path.read_text(encoding="utf-8").splitlines())
             for path in folder.rglob("*.py")}
    assert len(sizes) > 50
    assert {name: lines for name, lines in sizes.items() if lines > 800} == {}
