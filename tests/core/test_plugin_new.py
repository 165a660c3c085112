"""``linli plugins new``: the distribution it writes is complete as it is — it passes
``linli plugins check``, its own tests on the core's kit, and ruff — and bad names or an
existing folder are refused with a message, writing nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from core.cli import main


def env_for(root: Path, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(root),
        LINLI_EXTRA_PLUGINS="linli_lockers",
        LINLI_VAR_DIR=str(var),
    )
    return env


def test_a_new_plugin_passes_its_checks_and_its_own_tests(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["plugins", "new", "lockers", "--dir", str(tmp_path), "--zh", "智能快递柜", "--en", "Parcel lockers"],
    )
    assert result.exit_code == 0, result.output
    root = tmp_path / "linli-lockers"
    for rel in (
        "pyproject.toml",
        "README.md",
        "linli_lockers/manifest.py",
        "linli_lockers/tables.py",
        "linli_lockers/migrations/lockers_0001_initial.py",
        "linli_lockers/locale/zh_CN/LC_MESSAGES/messages.po",
        "tests/test_lockers.py",
    ):
        assert (root / rel).is_file(), rel
    manifest = (root / "linli_lockers" / "manifest.py").read_text(encoding="utf-8")
    assert 'id="lockers"' in manifest and 'name_zh="智能快递柜"' in manifest and "LockersSettings" in manifest
    assert 'lockers = "linli_lockers"' in (root / "pyproject.toml").read_text(encoding="utf-8")

    check = subprocess.run(
        [str(Path(sys.executable).parent / "linli"), "plugins", "check", "lockers"],
        env=env_for(root, tmp_path / "var"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("✓") == 7 and "✗" not in check.stdout

    own = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=root,
        env=env_for(root, tmp_path / "var2"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert own.returncode == 0, own.stdout[-3000:] + own.stderr[-2000:]
    assert "4 passed" in own.stdout

    lint = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--select",
            "E,F",
            "--line-length",
            "120",
            "--extend-exclude",
            "**/migrations/*",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert lint.returncode == 0, lint.stdout


def test_bad_names_and_an_existing_folder_are_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    for bad in ("Lockers", "x", "core", "9lives", "parcel-lockers"):
        result = runner.invoke(main, ["plugins", "new", bad, "--dir", str(tmp_path)])
        assert result.exit_code == 2, (bad, result.output)
        assert "error:" in result.output
    result = runner.invoke(
        main, ["plugins", "new", "lockers", "--dir", str(tmp_path), "--en", 'a "quoted" name']
    )
    assert result.exit_code == 2 and "--en" in result.output
    assert list(tmp_path.iterdir()) == []
    assert runner.invoke(main, ["plugins", "new", "lockers", "--dir", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["plugins", "new", "lockers", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output
