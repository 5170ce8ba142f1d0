"""Drawing the 抽评 sample (pbm's own algorithm; reproducible from its seed, as IDEA and ACL are).

1. eligible = the population with duplicate 项目编码 dropped (the first in canonical order is
   kept; rows without a code are duplicates only when name, department and amount all match)
   and zero-budget projects removed (a project with 金额 0 has nothing
   to evaluate; a blank or unreadable amount is not zero and stays);
2. mandatory (必选) = eligible rows matching any ``--must`` rule — rotation never removes them;
3. n = max(⌈rate × eligible⌉, mandatory, min), capped at eligible (exact: ``Fraction``);
4. rotation: codes in ``exclude_codes`` leave the random pool only;
5. k = n − mandatory, allocated across strata in proportion to each stratum's random pool by
   largest remainder, at least one per non-empty stratum when k allows;
6. draw inside each stratum: simple random without replacement (default), systematic, or
   probability proportional to amount (monetary-unit, PPS) with certainty items;
7. ``coverage``: top up with the largest remaining projects until the sampled share of the
   eligible amount is reached (补足金额).

Reproducibility: the population is put in a canonical order (项目编码, 项目名称, 主管部门, 金额,
NFKC-normalised) and the only source of randomness is ``random.Random(seed).random()``,
whose sequence Python keeps stable across versions (``sample``/``shuffle`` are not).  Every
eligible row gets a key u = rng.random() in canonical order — before rules and rotation
are applied, so changing a ``--must`` rule or the exclusion list does not reshuffle the
other rows — and each stratum takes its rows with the smallest keys.  A larger n with the
same seed therefore extends the earlier sample (prefix-stable, as IDEA/ACL do).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from typing import Any

from pbm.errors import PbmError
from pbm.sampling.expressions import _as_number, compile_rule
from pbm.workbook.outputs import ABOUT, SAMPLE_ABOUT, SAMPLE_ROWS, SAMPLE_STRATA

CODE, NAME, DEPARTMENT, AMOUNT = "项目编码", "项目名称", "主管部门", "金额"
STANDARD_COLUMNS = (CODE, NAME, DEPARTMENT, AMOUNT)
AMOUNT_CLASSES = "类别"  # the strata name meaning "the amount classes A/B/C of the options"
METHODS = ("random", "systematic", "pps")

REASON_MANDATORY = "必选"
REASON_RANDOM = "分层随机"
REASON_SYSTEMATIC = "系统抽样"
REASON_PPS = "金额概率(PPS)"
REASON_PPS_CERTAIN = "PPS必选(超过抽样间距)"
REASON_TOP_UP = "补足金额"

METHOD_NAMES = {
    "random": "简单随机抽样（分层内不放回）",
    "systematic": "系统抽样（分层内按规范顺序等距）",
    "pps": "金额概率比例抽样（PPS/货币单位抽样）",
}
NO_AMOUNT_STRATUM = "无金额"
UNCLASSIFIED_STRATUM = "未分类"
EMPTY_VALUE = "（空）"
_STRATUM_SEPARATOR = " / "

DEFAULT_CLASSES: list[tuple[str, Decimal | None, Decimal | None]] = [
    ("A", Decimal(500), None), ("B", Decimal(100), Decimal(500)), ("C", None, Decimal(100)),
]


@dataclass
class SampleOptions:
    """What to draw; defaults follow the national-2020 preset ([sample] in pbm.toml)."""

    rate: Decimal = Decimal("0.10")
    min_size: int = 0
    must: list[str] = field(default_factory=list)
    strata: list[str] = field(default_factory=list)  # column names, or ["类别"] = amount classes
    # name, min inclusive, max exclusive, in 万元
    classes: list[tuple[str, Decimal | None, Decimal | None]] = field(
        default_factory=lambda: list(DEFAULT_CLASSES))
    exclude_codes: set[str] = field(default_factory=set)
    method: str = "random"  # random | systematic | pps
    coverage: Decimal | None = None
    seed: int | None = None


@dataclass
class SampledRow:
    row: dict
    code: str
    name: str
    department: str
    amount: Decimal | None
    stratum: str
    reason: str  # 必选 / 分层随机 / 系统抽样 / 金额概率(PPS) / PPS必选(超过抽样间距) / 补足金额
    detail: str = ""  # the rule(s) matched, the random key, the interval …

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "department": self.department,
                "amount": None if self.amount is None else float(self.amount),
                "stratum": self.stratum, "reason": self.reason, "detail": self.detail}


@dataclass
class StratumAllocation:
    stratum: str
    population: int  # eligible rows in the stratum
    eligible_random: int  # of which in the random pool (not mandatory, not rotated out)
    mandatory: int
    quota_exact: Decimal  # k × pool / Σpool, before rounding (4 places)
    allocated: int
    drawn: int  # rows of the random part actually drawn (PPS certainty items included)
    topped_up: int = 0  # rows added for the amount coverage

    def to_dict(self) -> dict:
        return {"stratum": self.stratum, "population": self.population,
                "eligible_random": self.eligible_random, "mandatory": self.mandatory,
                "quota_exact": float(self.quota_exact), "allocated": self.allocated,
                "drawn": self.drawn, "topped_up": self.topped_up}


@dataclass
class SampleResult:
    sample: list[SampledRow]
    allocation: list[StratumAllocation]
    population: int
    eligible: int
    mandatory: int
    sample_size: int
    seed: int
    seed_was_drawn: bool
    population_sha256: str
    excluded: int  # eligible, non-mandatory rows kept out of the random pool by rotation
    options: SampleOptions
    duplicates: int = 0  # rows dropped as duplicate 项目编码
    zero_amount: int = 0  # projects left out of the eligible rows for a zero budget (金额 0)
    planned_size: int = 0  # n = max(⌈rate × eligible⌉, mandatory, min), capped at eligible
    random_size: int = 0  # k = n − mandatory
    shortfall: int = 0  # k minus what the random pool could give (rotation/too few rows)
    coverage_achieved: Decimal | None = None  # Σ sampled amount / Σ eligible amount
    columns: list[str] = field(default_factory=list)  # population columns, in order
    # For findings naming cells: (dropped row, row kept) per duplicate, and the zero-budget
    # rows, each the caller's own dict (in canonical order).
    duplicate_rows: list[tuple[dict, dict]] = field(default_factory=list, repr=False)
    zero_amount_rows: list[dict] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        """The ``--format json`` object: summary (contract keys first) and the sample list."""
        options = self.options
        summary = {
            "population": self.population,
            "eligible": self.eligible,
            "mandatory": self.mandatory,
            "sample_size": self.sample_size,
            "seed": self.seed,
            "population_sha256": self.population_sha256,
            "seed_was_drawn": self.seed_was_drawn,
            "duplicates": self.duplicates,
            "zero_amount": self.zero_amount,
            "excluded": self.excluded,
            "planned_size": self.planned_size,
            "random_size": self.random_size,
            "shortfall": self.shortfall,
            "method": options.method,
            "rate": float(options.rate),
            "min_size": options.min_size,
            "must": list(options.must),
            "strata": list(options.strata),
            "coverage": None if options.coverage is None else float(options.coverage),
            "coverage_achieved": (None if self.coverage_achieved is None
                                  else float(self.coverage_achieved)),
        }
        return {
            "summary": summary,
            "sample": [row.to_dict() for row in self.sample],
            "allocation": [stratum.to_dict() for stratum in self.allocation],
        }

    def to_sheets(self) -> list[tuple[str, list[str], list[list]]]:
        """The record workbook: 样本, 分层, 说明.  Amounts in 万元 as numbers.

        The 说明 row "复现命令" is left empty for the command line to fill in.
        """
        extra = [column for column in self.columns if column not in STANDARD_COLUMNS]
        sample_header = SAMPLE_ROWS.headers(column=extra)
        sample_rows = [
            [index, item.code, item.name, item.department, _cell(item.amount), item.stratum,
             item.reason, item.detail, *(_cell(item.row.get(column)) for column in extra)]
            for index, item in enumerate(self.sample, start=1)
        ]
        strata_header = SAMPLE_STRATA.headers()
        strata_rows = [[s.stratum, s.population, s.eligible_random, s.mandatory,
                        float(s.quota_exact), s.allocated, s.drawn, s.topped_up]
                       for s in self.allocation]
        strata_rows.append(["合计", sum(s.population for s in self.allocation),
                            sum(s.eligible_random for s in self.allocation),
                            sum(s.mandatory for s in self.allocation),
                            float(sum((s.quota_exact for s in self.allocation), Decimal(0))),
                            sum(s.allocated for s in self.allocation),
                            sum(s.drawn for s in self.allocation),
                            sum(s.topped_up for s in self.allocation)])
        options = self.options
        notes = [
            [SAMPLE_ABOUT["seed"], f"{self.seed}（自动生成）" if self.seed_was_drawn else str(self.seed)],
            [SAMPLE_ABOUT["method"], METHOD_NAMES.get(options.method, options.method)],
            [SAMPLE_ABOUT["rate"], _percent(options.rate)],
            ["最小样本量", str(options.min_size)],
            [SAMPLE_ABOUT["must"], "；".join(options.must) if options.must else "无"],
            ["分层", _describe_strata(options)],
            ["金额覆盖率要求", "无" if options.coverage is None else _percent(options.coverage)],
            ["实际金额覆盖率",
             "—" if self.coverage_achieved is None else _percent(self.coverage_achieved)],
            [SAMPLE_ABOUT["population"], str(self.population)],
            ["重复项目编码（已剔除）", str(self.duplicates)],
            ["金额为零（已剔除）", str(self.zero_amount)],
            [SAMPLE_ABOUT["eligible"], str(self.eligible)],
            ["必选数量", str(self.mandatory)],
            ["计划样本量", str(self.planned_size)],
            ["随机部分", str(self.random_size)],
            ["排除(轮换)数量", str(self.excluded)],
            ["随机池不足", str(self.shortfall)],
            ["实际样本量", str(self.sample_size)],
            [SAMPLE_ABOUT["fingerprint"], self.population_sha256],
            ["复现命令", ""],
        ]
        return [(SAMPLE_ROWS.sheet, sample_header, sample_rows),
                (SAMPLE_STRATA.sheet, strata_header, strata_rows),
                (ABOUT.sheet, ABOUT.headers(), notes)]


# ---------------------------------------------------------------------------------------------
# Canonical order and fingerprint


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _amount_text(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    text = format(amount.normalize(), "f")  # 500, 500.0 and 500.00 are the same amount
    return "0" if text in ("-0", "0") else text


def _amount(value: Any) -> Decimal | None:
    return _as_number(value)


def population_sha256(rows: Iterable[dict]) -> str:
    """SHA-256 over the canonically sorted (code, name, department, amount) of every row.

    One line per row: the four fields (NFKC text; the amount in 万元 in its shortest decimal
    form) joined by tabs, with backslash, tab and line breaks escaped; lines sorted, each
    ended by a newline, UTF-8.  The same list in any order, or with 500 written as 500.00,
    hashes alike.
    """
    return _fingerprint(_Record(row).key for row in rows)


def _fingerprint(keys: Iterable[tuple[str, str, str, str]]) -> str:
    keys = list(keys)
    lines = ["\t".join(key) for key in keys]
    blob = "\n".join(lines)
    if "\\" in blob or "\r" in blob or blob.count("\t") != 3 * len(lines) \
            or blob.count("\n") != max(0, len(lines) - 1):
        lines = ["\t".join(_escape(part) for part in key) for key in keys]  # rare: escape
    lines.sort()
    return hashlib.sha256("".join(line + "\n" for line in lines).encode("utf-8")).hexdigest()


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        for plain, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
            text = text.replace(plain, escaped)
    return text


class _Record:
    __slots__ = (
        "amount",
        "code",
        "department",
        "key",
        "mandatory_rules",
        "name",
        "row",
        "stratum",
        "u",
    )

    def __init__(self, row: dict):
        self.row = row
        get = row.get
        # _text inlined for plain strings: this runs once per row of a 100,000-row population
        code, name, department = get(CODE), get(NAME), get(DEPARTMENT)
        if type(code) is str:
            code = code.strip() if code.isascii() else _nfkc(code).strip()
        else:
            code = _text(code)
        if type(name) is str:
            name = name.strip() if name.isascii() else _nfkc(name).strip()
        else:
            name = _text(name)
        if type(department) is str:
            department = department.strip() if department.isascii() else _nfkc(department).strip()
        else:
            department = _text(department)
        self.code, self.name, self.department = code, name, department
        amount = get(AMOUNT)
        if type(amount) is Decimal and amount.is_finite():
            self.amount = amount
            text = format(amount.normalize(), "f")
            amount_text = "0" if text == "-0" else text
        else:
            self.amount = amount = _amount(amount)
            amount_text = _amount_text(amount)
        self.key = (code, name, department, amount_text)
        self.stratum = ""
        self.mandatory_rules: list[str] = []
        self.u = 0.0

    @property
    def positive_amount(self) -> Decimal:
        return self.amount if self.amount is not None and self.amount > 0 else Decimal(0)

    def sampled(self, reason: str, detail: str = "") -> SampledRow:
        return SampledRow(row=self.row, code=self.code, name=self.name, department=self.department,
                          amount=self.amount, stratum=self.stratum, reason=reason, detail=detail)


# ---------------------------------------------------------------------------------------------
# Allocation


def allocate(stratum_sizes: dict[str, int], k: int) -> dict[str, int]:
    """Split k draws across strata in proportion to their sizes (largest remainder).

    Floors of the exact quotas k·size/Σsize first; the seats left go to the largest
    remainders, ties to the stratum whose name sorts first.  When k is at least the number of
    non-empty strata, an empty-handed stratum then takes one seat from the stratum most above
    its quota (ties again by name).  4 seats over B 40 and C 72 → B 1, C 3.
    """
    result = {stratum: 0 for stratum in stratum_sizes}
    sizes = {stratum: size for stratum, size in stratum_sizes.items() if size > 0}
    total = sum(sizes.values())
    k = max(0, min(k, total))
    if k == 0:
        return result
    quotas = {stratum: Fraction(k * size, total) for stratum, size in sizes.items()}
    seats = {stratum: math.floor(quota) for stratum, quota in quotas.items()}
    left = k - sum(seats.values())
    by_remainder = sorted(sizes, key=lambda s: (-(quotas[s] - seats[s]), s))
    for stratum in by_remainder[:left]:
        seats[stratum] += 1
    if k >= len(sizes):
        for stratum in sorted(s for s in sizes if seats[s] == 0):
            donors = [s for s in sizes if seats[s] >= 2]
            donor = min(donors, key=lambda s: (-(seats[s] - quotas[s]), s))
            seats[donor] -= 1
            seats[stratum] = 1
    result.update(seats)
    return result


# ---------------------------------------------------------------------------------------------
# Drawing


def draw_sample(population: list[dict], options: SampleOptions) -> SampleResult:
    """Draw the spot-check sample (the steps of the module docstring).

    ``population`` rows are dicts keyed by the column names the user sees, with at least
    项目编码/项目名称/主管部门/金额 (金额 a Decimal in 万元 or None).  Raises ``PbmError``:
    SAMPLE-EMPTY, SAMPLE-BAD-RATE, SAMPLE-BAD-MIN, SAMPLE-BAD-COVERAGE, SAMPLE-BAD-METHOD,
    SAMPLE-BAD-RULE, SAMPLE-UNKNOWN-COLUMN, SAMPLE-NONE-ELIGIBLE — all before anything is
    drawn.
    """
    rate = _rate_option(options.rate, "SAMPLE-BAD-RATE")
    coverage = (None if options.coverage is None
                else _rate_option(options.coverage, "SAMPLE-BAD-COVERAGE"))
    min_size = options.min_size
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 0:
        raise PbmError("SAMPLE-BAD-MIN", value=str(options.min_size))
    if options.method not in METHODS:
        raise PbmError("SAMPLE-BAD-METHOD", method=str(options.method), allowed=", ".join(METHODS))
    if not population:
        raise PbmError("SAMPLE-EMPTY")
    columns = _columns(population)
    rules = [compile_rule(text).bind(columns) for text in options.must]
    available = {unicodedata.normalize("NFKC", c).strip(): c for c in columns}
    strata_keys = []
    for name in options.strata:
        normal = unicodedata.normalize("NFKC", str(name)).strip()
        if normal == AMOUNT_CLASSES:
            strata_keys.append(None)
        elif normal in available:
            strata_keys.append(available[normal])
        else:
            raise PbmError("SAMPLE-UNKNOWN-COLUMN", column=normal, available="、".join(columns))

    seed_was_drawn = options.seed is None
    seed = secrets.randbelow(10**9) if seed_was_drawn else int(options.seed)
    rng = random.Random(seed)

    records = _canonical_order([_Record(row) for row in population])
    eligible, duplicate_rows = _drop_duplicates(records)
    zero_rows = [record for record in eligible if record.amount is not None and record.amount == 0]
    if zero_rows:
        eligible = [record for record in eligible
                    if not (record.amount is not None and record.amount == 0)]
    if not eligible:
        raise PbmError("SAMPLE-NONE-ELIGIBLE", population=len(population),
                       duplicates=len(duplicate_rows), zero=len(zero_rows))
    classes = _class_bounds(options.classes)
    for record in eligible:
        record.u = rng.random()  # one key per eligible row, canonical order (see module doc)
    if len(strata_keys) == 1 and strata_keys[0] is not None:
        labels: dict[Any, str] = {}  # one column: normalise each distinct value once
        column = strata_keys[0]
        for record in eligible:
            value = record.row.get(column)
            try:
                label = labels[value]
            except KeyError:
                label = labels[value] = _text(value) or EMPTY_VALUE
            except TypeError:  # an unhashable cell value
                label = _text(value) or EMPTY_VALUE
            record.stratum = label
    elif strata_keys:
        for record in eligible:
            record.stratum = _stratum(record, strata_keys, classes)
    else:
        for record in eligible:
            record.stratum = "全部"
    for rule in rules:
        for record in eligible:
            if rule.matches(record.row):
                record.mandatory_rules.append(rule.text)

    mandatory = [record for record in eligible if record.mandatory_rules]
    planned = max(math.ceil(Fraction(rate) * len(eligible)), len(mandatory), min_size)
    planned = min(planned, len(eligible))
    excluded_codes = {_text(code) for code in options.exclude_codes}
    excluded_codes.discard("")
    non_mandatory = [record for record in eligible if not record.mandatory_rules]
    pool = [record for record in non_mandatory if record.code not in excluded_codes]
    excluded = len(non_mandatory) - len(pool)
    random_size = planned - len(mandatory)

    strata_order = sorted({record.stratum for record in eligible})
    pool_by_stratum: dict[str, list[_Record]] = {stratum: [] for stratum in strata_order}
    for record in pool:
        pool_by_stratum[record.stratum].append(record)
    pool_sizes = {stratum: len(rows) for stratum, rows in pool_by_stratum.items()}
    seats = allocate(pool_sizes, random_size)
    pool_total = len(pool)

    sample = [record.sampled(REASON_MANDATORY, "；".join(record.mandatory_rules))
              for record in mandatory]
    drawn_per_stratum: dict[str, int] = {}
    for stratum in strata_order:
        chosen = _draw_stratum(pool_by_stratum[stratum], seats[stratum], options.method, rng)
        drawn_per_stratum[stratum] = len(chosen)
        sample.extend(chosen)

    coverage_achieved, topped = None, {}
    if coverage is not None:
        taken = {id(item.row) for item in sample}
        candidates = [record for record in eligible
                      if id(record.row) not in taken and record.code not in excluded_codes]
        extra, coverage_achieved = _top_up(eligible, sample, candidates, coverage)
        detail = f"按金额从大到小补足至覆盖率 {_percent(coverage)}"
        for record in extra:
            topped[record.stratum] = topped.get(record.stratum, 0) + 1
            sample.append(record.sampled(REASON_TOP_UP, detail))

    stratum_rows: dict[str, int] = dict.fromkeys(strata_order, 0)
    stratum_mandatory: dict[str, int] = dict.fromkeys(strata_order, 0)
    for record in eligible:
        stratum_rows[record.stratum] += 1
        if record.mandatory_rules:
            stratum_mandatory[record.stratum] += 1
    allocation = []
    for stratum in strata_order:
        quota = (Fraction(random_size * pool_sizes[stratum], pool_total)
                 if pool_total else Fraction(0))
        allocation.append(StratumAllocation(
            stratum=stratum, population=stratum_rows[stratum], eligible_random=pool_sizes[stratum],
            mandatory=stratum_mandatory[stratum],
            quota_exact=_decimal(quota, "0.0001"), allocated=seats[stratum],
            drawn=drawn_per_stratum[stratum], topped_up=topped.get(stratum, 0)))

    return SampleResult(
        sample=sample, allocation=allocation, population=len(population), eligible=len(eligible),
        mandatory=len(mandatory), sample_size=len(sample), seed=seed, seed_was_drawn=seed_was_drawn,
        population_sha256=_fingerprint(record.key for record in records), excluded=excluded,
        options=options,
        duplicates=len(duplicate_rows), zero_amount=len(zero_rows), planned_size=planned,
        random_size=random_size, shortfall=max(0, random_size - pool_total),
        coverage_achieved=coverage_achieved, columns=columns,
        duplicate_rows=[(dropped.row, kept.row) for dropped, kept in duplicate_rows],
        zero_amount_rows=[record.row for record in zero_rows],
    )


def _draw_stratum(pool: list[_Record], seats: int, method: str,
                  rng: random.Random) -> list[SampledRow]:
    """The random part of one stratum; ``pool`` is in canonical order."""
    if seats <= 0:
        return []
    if method == "systematic":
        interval = Fraction(len(pool), seats)
        start = Fraction(rng.random()) * interval  # exact: a float is a dyadic fraction
        picks = []
        for j in range(seats):
            index = math.floor(start + j * interval)
            picks.append(pool[index].sampled(
                REASON_SYSTEMATIC, f"第 {index + 1}/{len(pool)} 位，间距 {_decimal(interval, '0.01')}"))
        return picks
    if method == "pps":
        return _draw_pps(pool, seats, rng)
    return _smallest_keys(pool, seats)


def _smallest_keys(pool: list[_Record], seats: int) -> list[SampledRow]:
    chosen = sorted(pool, key=lambda record: (record.u, record.key))[:seats]
    chosen.sort(key=lambda record: record.key)
    return [record.sampled(REASON_RANDOM, f"随机键 {record.u:.6f}") for record in chosen]


def _draw_pps(pool: list[_Record], seats: int, rng: random.Random) -> list[SampledRow]:
    """Monetary-unit selection: certainty items, then a random start on the cumulative amount.

    Items with amount ≥ interval (Σamount / seats) are taken with certainty and the interval
    recomputed over the rest until none is left above it; every remaining item is then below
    the interval, so each selection point hits a different item.  Zero or missing amounts
    have no chance; if nothing with an amount is left, the seats fall back to random keys.
    All comparisons are multiplied through by the number of seats, so they are exact sums
    and products of decimals (no division, 120 digits).
    """
    remaining = list(pool)
    picks: list[SampledRow] = []
    with localcontext() as ctx:
        ctx.prec = 120
        while seats - len(picks) > 0:
            slots = seats - len(picks)
            total = sum((record.positive_amount for record in remaining), Decimal(0))
            if total == 0:
                break
            certain = [record for record in remaining if record.positive_amount * slots >= total]
            if not certain:
                break
            label = f"金额不低于抽样间距 {_decimal(Fraction(total) / slots, '0.01')} 万元"
            picks.extend(record.sampled(REASON_PPS_CERTAIN, label) for record in certain)
            chosen = {id(record) for record in certain}
            remaining = [record for record in remaining if id(record) not in chosen]
        slots = seats - len(picks)
        if slots <= 0:
            return picks
        total = sum((record.positive_amount for record in remaining), Decimal(0))
        if total == 0:
            return picks + _smallest_keys(remaining, slots)
        label = f"抽样间距 {_decimal(Fraction(total) / slots, '0.01')} 万元"
        # selection point j is (u + j)·total/slots; compare point·slots with cumulative·slots
        start = Decimal(rng.random())  # exact: every float is a finite binary fraction
        step = 0
        point = start * total
        cumulative = Decimal(0)
        for record in remaining:
            cumulative += record.positive_amount
            if point < cumulative * slots:
                picks.append(record.sampled(REASON_PPS, label))
                step += 1
                if step == slots:
                    break
                point = (start + step) * total
    return picks


def _top_up(eligible: list[_Record], sample: list[SampledRow], candidates: list[_Record],
            coverage: Decimal) -> tuple[list[_Record], Decimal | None]:
    """Add the largest remaining rows until Σsampled / Σeligible ≥ coverage (补足金额)."""
    with localcontext() as ctx:
        ctx.prec = 60  # sums and the target stay exact: no rounding decides a boundary
        total = sum((record.positive_amount for record in eligible), Decimal(0))
        if total == 0:
            return [], None
        covered = sum((item.amount for item in sample
                       if item.amount is not None and item.amount > 0), Decimal(0))
        target = total * coverage
        extra = []
        for record in sorted(candidates, key=lambda record: (-record.positive_amount, record.key)):
            if covered >= target or record.positive_amount == 0:
                break
            extra.append(record)
            covered += record.positive_amount
    return extra, _decimal(Fraction(covered) / Fraction(total), "0.0001")


# ---------------------------------------------------------------------------------------------
# Helpers


def _columns(population: list[dict]) -> list[str]:
    """Every column name, in first-seen order."""
    return [key for key in dict.fromkeys(itertools.chain.from_iterable(population))
            if isinstance(key, str)]


def _canonical_order(records: list[_Record]) -> list[_Record]:
    """Sort by the four canonical fields; rows equal on all four are then ordered by their
    other columns, so the order never depends on the order the rows came in."""
    records.sort(key=lambda record: record.key)
    start = 0
    for index in range(1, len(records) + 1):
        if index == len(records) or records[index].key != records[start].key:
            if index - start > 1:
                records[start:index] = sorted(records[start:index], key=_other_columns)
            start = index
    return records


def _other_columns(record: _Record) -> tuple:
    return tuple(sorted((str(key), _text(value)) for key, value in record.row.items()
                        if key not in STANDARD_COLUMNS))


def _drop_duplicates(records: list[_Record]
                     ) -> tuple[list[_Record], list[tuple[_Record, _Record]]]:
    """The first record of each 项目编码 (canonical order), and (dropped, kept) pairs."""
    seen: dict = {}
    kept, dropped = [], []
    for record in records:
        identity = record.code if record.code else record.key
        first = seen.get(identity)
        if first is not None:
            dropped.append((record, first))
            continue
        seen[identity] = record
        kept.append(record)
    return kept, dropped


def _stratum(record: _Record, strata_keys: list[str | None],
             classes: list[tuple[str, Decimal | None, Decimal | None]]) -> str:
    if not strata_keys:
        return "全部"
    if len(strata_keys) == 1:
        key = strata_keys[0]
        if key is None:
            return _amount_class(record.amount, classes)
        return _text(record.row.get(key)) or EMPTY_VALUE
    return _STRATUM_SEPARATOR.join(
        _amount_class(record.amount, classes) if key is None
        else (_text(record.row.get(key)) or EMPTY_VALUE)
        for key in strata_keys)


def _class_bounds(classes) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """The amount classes with their bounds as Decimals.

    Accepts (name, min, max) tuples or the preset's tables {name, min, max}; bounds may be
    ints, floats (read through repr) or Decimals.
    """
    def bound(value):
        if value is None:
            return None
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    bounds = []
    for entry in classes:
        if isinstance(entry, dict):
            name, low, high = entry.get("name"), entry.get("min"), entry.get("max")
        else:
            name, low, high = entry
        bounds.append((str(name), bound(low), bound(high)))
    return bounds


def _amount_class(amount: Decimal | None, classes) -> str:
    """The A/B/C class of an amount: min inclusive, max exclusive, 万元 (presets [sample.classes])."""
    if amount is None:
        return NO_AMOUNT_STRATUM
    for name, low, high in classes:
        if (low is None or amount >= low) and (high is None or amount < high):
            return name
    return UNCLASSIFIED_STRATUM


def _rate_option(value: Any, code: str) -> Decimal:
    """A rate-like option in (0, 1] as an exact Decimal (floats through their repr)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise PbmError(code, value=str(value)) from None
    if not number.is_finite() or number <= 0 or number > 1:
        raise PbmError(code, value=str(value))
    return number


def _decimal(value: Fraction, places: str) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(places), ROUND_HALF_UP)


def _percent(value: Any) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    return f"{(number * 100).quantize(Decimal('0.01'), ROUND_HALF_UP).normalize():f}%"


def _describe_strata(options: SampleOptions) -> str:
    if not options.strata:
        return "不分层"
    parts = []
    for name in options.strata:
        if unicodedata.normalize("NFKC", str(name)).strip() == AMOUNT_CLASSES:
            bands = []
            # as a reader writes a half-open band [100, 500): 100 万元（含）至 500 万元
            for class_name, low, high in _class_bounds(options.classes):
                if low is not None and high is not None:
                    bands.append(f"{class_name}：{_bound(low)} 万元（含）至 {_bound(high)} 万元")
                elif low is not None:
                    bands.append(f"{class_name}：{_bound(low)} 万元及以上")
                elif high is not None:
                    bands.append(f"{class_name}：{_bound(high)} 万元以下")
                else:
                    bands.append(f"{class_name}：全部")
            parts.append(f"类别（{'；'.join(bands)}）")
        else:
            parts.append(str(name))
    return " × ".join(parts)


def _bound(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
