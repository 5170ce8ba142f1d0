"""Evaluators' scoring sheets read and typed (pbm.scoring.evaluation), one sheet per evaluator
as ``pbm template evaluation`` writes them: the sheet's group and evaluator, its lines with
their cells, and the project combined over groups."""

from __future__ import annotations

from decimal import Decimal as D

from pbm.indicators import Typing
from pbm.scoring.evaluation import evaluate_sheets, evaluation_sheet, is_evaluation_record
from pbm.scoring.forms import EvaluationSheetSpec, write_evaluation_workbook
from pbm.scoring.frameworks import load_framework
from pbm.scoring.rules import ScoreRules
from pbm.workbook.read import read_workbook


def _workbook(path, framework, sheets):
    specs = [EvaluationSheetSpec(project="农村公路日常养护", department="交通运输局", group=group,
                                 evaluator=person, scores=scores)
             for group, person, scores in sheets]
    return write_evaluation_workbook(path, framework, specs,
                                     sheet_names=[f"{g}-{p}" for g, p, _ in sheets])


def test_a_scoring_sheet_is_read_with_its_group_lines_and_cells(tmp_path):
    framework = load_framework("national")
    weights = [float(item.weight) for item in framework.indicators]
    scores = [*weights[:-1], "九"]  # the last line holds no number
    path = _workbook(tmp_path / "评价.xlsx", framework, [("财政局", "张敏", scores)])
    [record] = read_workbook(path).projects
    assert is_evaluation_record(record)
    sheet = evaluation_sheet(record, Typing())
    assert (sheet.project, sheet.group, sheet.group_written, sheet.evaluator) == \
        ("农村公路日常养护", "财政", "财政局", "张敏")
    assert [line.name for line in sheet.lines] == [item.level3 for item in framework.indicators]
    first, last = sheet.lines[0], sheet.lines[-1]
    assert (first.weight, first.score) == (framework.indicators[0].weight,
                                           D(str(weights[0])))
    assert first.weight_cell and first.score_cell and first.score_cell != first.weight_cell
    assert last.score is None  # "九" is no score


def test_groups_are_combined_by_their_weights(tmp_path):
    framework = load_framework("national")
    full = [float(item.weight) for item in framework.indicators]
    less, deficit = [], 10.0  # 10 points taken off, line after line
    for weight in full:
        cut = min(deficit, weight)
        less.append(weight - cut)
        deficit -= cut
    path = _workbook(tmp_path / "评价.xlsx", framework,
                     [("财政", "张敏", full), ("第三方", "李华", less)])
    typing = Typing()
    sheets = [evaluation_sheet(record, typing) for record in read_workbook(path).projects]
    [result] = evaluate_sheets(sheets, ScoreRules(), {"财政": D("0.5"), "第三方": D("0.5")})
    assert result.groups.group_means == {"财政": D(100), "第三方": D(90)}
    assert result.combined == D(95) and result.grade == "优"
