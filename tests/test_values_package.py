"""The value parser as a package: what other modules import from pbm.values stays there, the
caches keep their sizes, and no module of it grows past the size limit of pbm's modules."""

from __future__ import annotations

from pathlib import Path

import pbm.values

# Every name the rest of pbm and its tests import from pbm.values, and the private names kept
# importable from the time pbm/values.py was one module.
IMPORTED = (
    "OPS", "ROLES", "Note", "ParsedValue", "MONEY_UNITS", "YUAN_SUSPECT_WAN",
    "cell_text", "decimal_text", "is_placeholder", "money_unit", "normalise_text",
    "parse_money", "parse_value", "plain_decimal", "qualitative_tier", "typed_in_yuan",
    "_normalise_str", "_TEXT_CACHES", "_normalise_unit_cached", "_parse_money_text_cached",
    "_parse_number_cached", "_parse_str_cached",
)


def test_names_other_modules_import_stay_in_pbm_values():
    missing = [name for name in IMPORTED if not hasattr(pbm.values, name)]
    assert missing == []


def test_star_import_gives_what_the_single_module_gave():
    assert sorted(pbm.values.__all__) == sorted([
        "OPS", "Note", "ParsedValue", "is_placeholder", "normalise_text", "parse_money",
        "parse_value", "qualitative_tier"])


def test_cache_sizes():
    assert pbm.values._parse_str_cached.cache_info().maxsize == 1 << 16
    assert pbm.values._parse_number_cached.cache_info().maxsize == 1 << 16
    assert pbm.values._parse_money_text_cached.cache_info().maxsize == 1 << 15
    assert pbm.values._normalise_unit_cached.cache_info().maxsize == 256


def test_no_module_of_the_package_is_over_800_lines():
    folder = Path(pbm.values.__file__).parent
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines())
             for path in folder.glob("*.py")}
    assert len(sizes) > 1
    assert {name: size for name, size in sizes.items() if size > 800} == {}
