"""The one parser of messy cell values.

A raw cell — whatever python-calamine or openpyxl hands over: ``None``, ``str``, ``int``,
``float``, ``bool``, ``datetime.date``/``datetime``, or a formula string that starts with
``=`` — becomes a :class:`ParsedValue`: a kind, the operator, the number and its unit, a
qualitative tier, a date or month, and *notes* (catalogue codes) for everything the parser
had to decide.  It never raises on any cell and never guesses silently: every assumption
(an implied operator, a money conversion, a range read as its lower bound, a template
placeholder) is written down as a :class:`Note`.

Domain background:

* 项目支出绩效目标申报表 templates write the operator (计算符号) inside the 指标值 cell:
  ``≥95%``, ``≤90万元``, ``=100%``, ``**元/人·月``.  ≥/> mean 正向 (higher is better), ≤/<
  反向, = 等于 — the direction codes of the fiscal-software vendors' 绩效管理 modules.
* Template leftovers (``**``, ``XX``) count as empty: the vendors' goal import rejects a
  指标值 with placeholder characters and treats ``XX`` as empty, and blank published
  templates are filled with ``**``.
* 当前完成值: a number for quantitative indicators, 达成/部分达成/未达成 for qualitative
  ones, as the vendors' monitoring import template asks (当前完成值（定量填数字，定性填达成、
  部分达成、未达成）).
* The three qualitative tiers — 达成年度指标, 部分达成年度指标并具有一定效果, 未达成年度指标且
  效果较差 — of the national self-evaluation rules (财预〔2020〕10号 as local documents
  reproduce it; the official text was not read).

The package, in the order its modules depend on each other: ``model`` (ParsedValue, Note),
``text`` (normalise_text, cell_text, decimal_text, plain_decimal), ``units`` (operators and
units), ``placeholders`` (template leftovers, formulas, qualitative tiers), ``number_text``
(numbers written as text), ``dates`` (dates and months), ``money`` (parse_money, money_unit,
MONEY_UNITS, typed_in_yuan) and ``parse`` (parse_value).

Results are cached by the raw cell text, so they are shared: treat a ParsedValue and its
notes' ``params`` as read-only.
"""

from __future__ import annotations

# ``name as name`` marks a name that other modules import from pbm.values but that is not in
# __all__ (``import *`` gives the parser's own API).
from pbm.values.model import OPS, Note, ParsedValue
from pbm.values.model import ROLES as ROLES
from pbm.values.money import MONEY_UNITS as MONEY_UNITS
from pbm.values.money import YUAN_SUSPECT_WAN as YUAN_SUSPECT_WAN
from pbm.values.money import money_unit as money_unit
from pbm.values.money import parse_money
from pbm.values.money import sums_differ as sums_differ
from pbm.values.money import typed_in_yuan as typed_in_yuan
from pbm.values.parse import parse_value
from pbm.values.placeholders import is_placeholder, qualitative_tier
from pbm.values.text import cell_text as cell_text
from pbm.values.text import decimal_text as decimal_text
from pbm.values.text import normalise_text
from pbm.values.text import percent_text as percent_text
from pbm.values.text import plain_decimal as plain_decimal
from pbm.values.text import utf8_text as utf8_text

__all__ = [
    "OPS",
    "Note",
    "ParsedValue",
    "is_placeholder",
    "normalise_text",
    "parse_money",
    "parse_value",
    "qualitative_tier",
]
