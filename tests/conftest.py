from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PBM_LANG", "zh")


@pytest.fixture
def run_pbm(monkeypatch):
    """Run the real `pbm` command in-process; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from pbm.cli.app import app

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        stderr = result.stderr if hasattr(result, "stderr") else ""
        return result.exit_code, result.stdout, stderr

    return run


@pytest.fixture
def workspace(tmp_path, run_pbm):
    code, _, _ = run_pbm("init", tmp_path / "ws", "--year", "2026", "--locality", "测试区")
    assert code == 0
    return tmp_path / "ws"
