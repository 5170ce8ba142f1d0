"""Run a draw end to end: population, rotation list, options from pbm.toml and the command
line, the record workbook out/sample-<year>.xlsx, and the sampling history (out/history/)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shlex
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pbm import __version__
from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.sampling.population import (
    Population,
    history_records,
    load_population,
    newest_project_list,
    sampled_codes,
)
from pbm.sampling.selection import SampleOptions, SampleResult, draw_sample
from pbm.workbook.outputs import ABOUT, ABOUT_TOOL, RECHECK_SUFFIX, SAMPLE_ROWS, tool_text
from pbm.workbook.read import display_path
from pbm.workbook.source import Limits


@dataclass
class SampleOutcome:
    result: SampleResult
    source: str
    source_sha256: str
    output: Path
    reproduce: str
    excluded_from: list[str]
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        data = self.result.to_dict()
        data["summary"]["source"] = self.source
        data["summary"]["source_sha256"] = self.source_sha256
        data["summary"]["excluded_from"] = self.excluded_from
        return {"command": "sample", "pbm_version": __version__, **data,
                "findings": [f.to_dict(lang) for f in self.findings],
                "output": str(self.output), "reproduce": self.reproduce}


def options_from(config, *, rate=None, minimum=None, must=None, strata=None, method=None,
                 coverage=None, seed=None) -> SampleOptions:
    section = config.section("sample")
    classes = [(c["name"], _dec(c.get("min")), _dec(c.get("max")))
               for c in section.get("classes", [])] or None
    options = SampleOptions(
        rate=Decimal(str(rate)) if rate is not None else Decimal(str(section.get("rate", "0.10"))),
        min_size=minimum if minimum is not None else int(section.get("min", 0)),
        must=list(must) if must else list(section.get("must", [])),
        strata=list(strata) if strata else list(section.get("strata", [])),
        method=method or section.get("method", "random"),
        coverage=Decimal(str(coverage)) if coverage is not None else None,
        seed=seed if seed is not None else section.get("seed"),
    )
    if classes:
        options.classes = classes
    return options


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def run_sample(config, *, rate=None, minimum=None, must=None, strata=None, method=None,
               coverage=None, seed=None, source: Path | None = None,
               exclude: list[Path] | None = None, out: Path | None = None,
               command: str = "") -> SampleOutcome:
    from pbm.workbook.writer import Sheet, output_lock, staged_outputs, write_xlsx

    limits = Limits.from_config(config.section("limits"))
    out_dir = config.out_dir(out)
    # --out is only where this run writes: the default population and the rotation
    # history are what earlier commands wrote to the workspace's own out/.
    workspace_out = config.out_dir(None)
    if source is None:
        source = newest_project_list(workspace_out, config.year)
        if source is None:
            raise PbmError("SAMPLE-NO-POPULATION", file=display_path(workspace_out))
    population = load_population(Path(source), limits, display=display_path(Path(source)))
    # 整改抽查复核 (the population is the 整改台账): a record of its own, beside the year's
    # 抽评 record and never its rotation list — last year's 抽评 excludes nothing from it.
    recheck = is_rectification_ledger(Path(source), limits)
    if exclude:
        excluded_from = [Path(p) for p in exclude]
    elif recheck:
        excluded_from = []
    else:
        excluded_from = history_records(workspace_out / "history", config.year)
    options = options_from(config, rate=rate, minimum=minimum, must=must, strata=strata,
                           method=method, coverage=coverage, seed=seed)
    options.exclude_codes = sampled_codes(excluded_from, limits) if excluded_from else set()
    result = draw_sample(population.rows, options)

    findings = population_findings(population, result)
    if options.coverage is not None and result.coverage_achieved is not None and \
            Decimal(str(result.coverage_achieved)) < options.coverage:
        findings.append(Finding("SAMPLE-COVERAGE-SHORT", file=population.file,
                                params={"required": f"{options.coverage:.0%}",
                                        "achieved": f"{Decimal(str(result.coverage_achieved)):.1%}"}))
    if result.shortfall:
        findings.append(Finding("SAMPLE-SHORTFALL", file=population.file,
                                params={"count": result.shortfall}))
    reproduce = reproduce_command(population.file, options, result.seed,
                                  [str(p) for p in excluded_from])
    sheets = []
    for name, header, rows in result.to_sheets():
        if name == ABOUT.sheet:
            rows = [[k, reproduce if k == "复现命令" else v] for k, v in rows]
            unreadable = sum(f.code in ("SAMPLE-AMOUNT-MISSING", "SAMPLE-AMOUNT-UNREADABLE")
                             for f in findings)
            rows += [["金额为空或无法识别（按无金额）", str(unreadable)],
                     ["总体文件", f"{population.file}（工作表 {population.sheet}）"],
                     ["总体文件 SHA-256", population.sha256],
                     ["轮换排除依据", "；".join(display_path(p) for p in excluded_from) or "无"],
                     ["执行命令", command], [ABOUT_TOOL, tool_text()],
                     ["生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")]]
            sheets.append(Sheet(name, header, rows, widths={0: 22, 1: 100}, autofilter=False))
        else:
            sheets.append(Sheet(name, header, rows, number_formats={4: "#,##0.00"}
                                if name == SAMPLE_ROWS.sheet else {}))
    target = out_dir / (f"sample-{config.year}{RECHECK_SUFFIX}.xlsx" if recheck
                        else f"sample-{config.year}.xlsx")
    # The record, its history copy and the log line are one set: all are written, or none.
    with output_lock(out_dir), staged_outputs(out_dir) as staged:
        record = write_xlsx(staged.folder / target.name, sheets)
        history = staged.folder / "history"
        history.mkdir()
        shutil.copyfile(record, history / target.name)
        log = out_dir / "history" / "samples.csv"
        if log.exists():
            shutil.copyfile(log, history / log.name)
        _append_log(history / log.name, config.year, result, population, reproduce)
    return SampleOutcome(result, population.file, population.sha256, target, reproduce,
                         [display_path(p) for p in excluded_from], findings)


def is_rectification_ledger(path: Path, limits: Limits) -> bool:
    from pbm.workbook.outputs import RECTIFY, output_book

    try:
        return output_book(path, limits) is RECTIFY
    except PbmError:
        return False


def population_findings(population: Population, result: SampleResult) -> list[Finding]:
    """What was not taken as it stood, each naming its file, sheet and cell:
    amounts blank or unreadable, duplicate codes (both rows), zero-budget projects left out
    (nothing to evaluate).  In row order."""
    # (sheet, row, kind, finding): the reader's own findings first, then row by row.
    located: list[tuple[int, int, int, Finding]] = []
    for f in population.findings:
        row = f.params.get("row")
        row = row if isinstance(row, int) else 0
        located.append((population.sheet_index(f.sheet) if row else -1, row, 0, f))
    for dropped, kept in result.duplicate_rows:
        origin, kept_origin = population.origin(dropped), population.origin(kept)
        code = dropped.get("项目编码") or dropped.get("项目名称") or ""
        located.append((population.sheet_index(origin.sheet if origin else None),
                        origin.row if origin else 0, 1, Finding(
            "SAMPLE-DUPLICATE-CODE", file=population.file,
            sheet=origin.sheet if origin else population.sheet,
            cell=origin.code_cell if origin else None, project=dropped.get("项目名称") or None,
            value=code, params={
                "code": code, "row": origin.row if origin else "?",
                "name": dropped.get("项目名称") or "", "kept_name": kept.get("项目名称") or "",
                "kept_row": kept_origin.row if kept_origin else "?",
                "kept_cell": (kept_origin.code_cell or "") if kept_origin else ""})))
    for row in result.zero_amount_rows:
        origin = population.origin(row)
        located.append((population.sheet_index(origin.sheet if origin else None),
                        origin.row if origin else 0, 2, Finding(
            "SAMPLE-ZERO-AMOUNT", file=population.file,
            sheet=origin.sheet if origin else population.sheet,
            cell=origin.amount_cell if origin else None, project=row.get("项目名称") or None,
            value=0, params={"code": row.get("项目编码") or "—", "name": row.get("项目名称") or "",
                             "row": origin.row if origin else "?"})))
    located.sort(key=lambda item: (item[0], item[1], item[2]))
    return [finding for _, _, _, finding in located]


def reproduce_command(source: str, options: SampleOptions, seed: int, exclude: list[str]) -> str:
    parts = ["pbm", "sample", "--from", source, "--rate", f"{options.rate}", "--seed", str(seed),
             "--method", options.method]
    if options.min_size:
        parts += ["--min", str(options.min_size)]
    for rule in options.must:
        parts += ["--must", rule]
    for column in options.strata:
        parts += ["--strata", column]
    if options.coverage is not None:
        parts += ["--coverage", f"{options.coverage}"]
    for path in exclude:
        parts += ["--exclude", path]
    return " ".join(command_quote(p) for p in parts)


# \w takes 汉字 too (灯色==红 needs no quotes); no , or @, which PowerShell reads as an
# array or a splat when bare.
_BARE = re.compile(r"[\w./:=+-]+")
_SPECIAL_IN_DOUBLE = set('$`"%!')


def command_quote(arg: str) -> str:
    """One argument of the recorded 复现命令, pasteable into cmd.exe, PowerShell and a POSIX
    shell alike (finance staff work on Windows): bare when it can be, else in double quotes
    (金额>=500, paths with spaces, Windows paths with \\); POSIX single quotes only for the rare
    argument holding a character double quotes do not protect in one of the three ($ ` " % !,
    a doubled or final backslash)."""
    if arg and _BARE.fullmatch(arg):
        return arg
    if not _SPECIAL_IN_DOUBLE.intersection(arg) and "\\\\" not in arg and \
            not arg.endswith("\\"):
        return f'"{arg}"'
    return shlex.quote(arg)


def _append_log(path: Path, year: int, result: SampleResult, population, reproduce: str) -> None:
    new = not path.exists()
    with path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["时间", "年度", "随机种子", "样本量", "总体数量", "总体SHA-256", "复现命令"])
        writer.writerow([dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"), year, result.seed,
                         result.sample_size, result.population, result.population_sha256,
                         reproduce])
