"""pbm.toml: presets, sources, line-accurate validation errors."""

from __future__ import annotations

import pytest

from pbm.config import load_config
from pbm.errors import PbmError


def test_defaults_outside_a_workspace(tmp_path):
    config = load_config(search_from=tmp_path)
    assert config.workspace is None
    assert config.get("goals.indicator_weight_total") == 90
    assert config.sources["monitor.rule"] == "preset national-2020"
    assert config.out_dir() .name == "pbm-out"


def test_workspace_values_and_their_lines(workspace):
    config = load_config(workspace)
    assert config.year == 2026
    assert config.get("workspace.locality") == "测试区"
    line = config.sources["goals.prior_assessment_amount"]
    assert line.startswith("pbm.toml:")
    text = (workspace / "pbm.toml").read_text(encoding="utf-8").splitlines()
    assert "prior_assessment_amount" in text[int(line.split(":")[1]) - 1]


def test_provincial_preset_changes_execution_weight(workspace):
    path = workspace / "pbm.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('preset = "national-2020"', 'preset = "provincial-exec20"')
    text = text.replace("execution_weight = 10            # 预算执行率分值（部分省份为 20）\n", "")
    path.write_text(text, encoding="utf-8")
    config = load_config(workspace)
    assert config.get("score.execution_weight") == 20
    assert config.sources["score.execution_weight"] == "preset provincial-exec20"


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


def test_unknown_key_names_its_line_and_allowed_keys(workspace):
    path = workspace / "pbm.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_indicators = 3",
                                                              "min_indicator = 3"), encoding="utf-8")
    with pytest.raises(PbmError) as info:
        load_config(workspace)
    assert info.value.code == "CONFIG-UNKNOWN-KEY"
    assert info.value.cell == f"line {_line_of(path, 'min_indicator = 3')}"
    assert "min_indicators" in info.value.params["allowed"]


def test_bad_value_names_line_and_allowed_values(workspace):
    path = workspace / "pbm.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('method = "random"', 'method = "lottery"'),
                    encoding="utf-8")
    with pytest.raises(PbmError) as info:
        load_config(workspace)
    assert info.value.code == "CONFIG-BAD-VALUE"
    assert info.value.cell == f"line {_line_of(path, 'lottery')}"
    assert "systematic" in info.value.params["allowed"] and "pps" in info.value.params["allowed"]


def test_choosing_a_preset_in_a_fresh_pbm_toml_takes_effect(workspace):
    path = workspace / "pbm.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('preset = "national-2020"',
                                                             'preset = "points-monitor"'),
                    encoding="utf-8")
    assert load_config(workspace).get("monitor.rule") == "points"
    path.write_text(path.read_text(encoding="utf-8").replace('preset = "points-monitor"',
                                                             'preset = "provincial-exec20"'),
                    encoding="utf-8")
    config = load_config(workspace)
    assert config.get("score.execution_weight") == 20 and config.get("score.reverse_rule") == "R2"
    assert config.get("goals.indicator_weight_total") == 80


def test_toml_syntax_error_has_a_line(workspace):
    path = workspace / "pbm.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[goals\n", encoding="utf-8")
    with pytest.raises(PbmError) as info:
        load_config(workspace)
    assert info.value.code == "CONFIG-SYNTAX"
    assert info.value.cell.startswith("line ")


def test_config_command_prints_sources(workspace, run_pbm):
    code, out, _ = run_pbm("config", "--format", "json", cwd=workspace)
    assert code == 0
    import json

    data = json.loads(out)
    values = {v["key"]: v for v in data["values"]}
    assert values["goals.min_indicators"]["source"].startswith("pbm.toml:")
    assert values["monitor.ratio_red_below"]["value"] == 60


def test_config_error_exits_2_without_traceback(workspace, run_pbm):
    path = workspace / "pbm.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("rate = 0.10", "rate = 2"),
                    encoding="utf-8")
    code, _, err = run_pbm("config", cwd=workspace)
    assert code == 2
    assert "Traceback" not in err and "sample.rate" in err and "line" in err
