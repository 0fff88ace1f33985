"""`planner gui --smoke-test`: a new process opens the demo, replans, writes the PDFs, exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.ui.app import choose_workspace


@pytest.mark.slow
def test_the_smoke_test_opens_the_demo_replans_and_exports(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLANNER_DATA_DIR=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, "-m", "planner", "gui", "--smoke-test"],
                            capture_output=True, text=True, env=env, timeout=240,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "PDF(s)" in result.stdout and "ok" in result.stdout


def test_without_a_path_the_default_workspace_is_used_and_the_demo_gets_its_own(tmp_path):
    assert choose_workspace(None, demo=False) == tmp_path / "data" / "workspace.db"
    # the demo brand never goes into the user's default workspace, where real imports go
    assert choose_workspace(None, demo=True) == tmp_path / "data" / "demo.db"
    assert choose_workspace(str(tmp_path / "mine.db"), demo=False) == tmp_path / "mine.db"
    assert choose_workspace(str(tmp_path / "mine.db"), demo=True) == tmp_path / "mine.db"
