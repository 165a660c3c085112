"""The `linli` command line: real commands on real SQLite files, and clear one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from core.cli import main

# These commands run on SQLite files of their own whatever LINLI_TEST_DB says: once is enough.
pytestmark = pytest.mark.skipif(
    os.environ.get("LINLI_TEST_DB") == "postgres",
    reason="the CLI tests use their own SQLite files; they run in the SQLite pass",
)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("LINLI_DATABASE_URL", raising=False)
    return tmp_path


def linli(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_migrate_users_and_tenants(env):
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    r = runner.invoke(main, ["tenants", "apply", "tenants/demo"])
    assert r.exit_code == 0, r.output
    assert "created  community yuetang" in r.output
    r = runner.invoke(main, ["tenants", "apply", "tenants/demo"])
    assert "0 change(s)" in r.output
    r = runner.invoke(main, ["users", "create", "wang", "--password", "a-good-password"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["users", "grant", "wang", "grid_worker", "--community", "yuetang"])
    assert r.exit_code == 0 and "grid_worker in yuetang" in r.output
    r = runner.invoke(main, ["users", "grant", "wang", "emperor", "--community", "yuetang"])
    assert r.exit_code == 2
    r = runner.invoke(main, ["plugins", "list"])
    assert r.exit_code == 0


def test_bad_input_is_one_line_and_non_zero(env, tmp_path):
    r = linli(
        "users", "create", "xiaoli", "--password", "short", extra_env={"LINLI_VAR_DIR": str(tmp_path / "v")}
    )
    assert r.returncode == 2 and "password" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[office]\nslug = "o"\n', encoding="utf-8")
    r = linli("tenants", "apply", str(bad), extra_env={"LINLI_VAR_DIR": str(tmp_path / "v")})
    assert r.returncode == 1 and "bad.toml" in r.stderr and "name" in r.stderr
    assert "nothing was changed" in r.stderr


def test_bad_configuration_never_leaks_a_password(tmp_path):
    r = linli(
        "migrate",
        extra_env={
            "LINLI_DATABASE_URL": "postgresql://u:s3cret@127.0.0.1:1/x",
            "LINLI_VAR_DIR": str(tmp_path),
        },
    )
    assert r.returncode == 2 and "cannot connect" in r.stderr
    assert "s3cret" not in r.stderr + r.stdout and "Traceback" not in r.stderr
    r = linli("migrate", extra_env={"LINLI_VAR_DIR": "/proc/linli-cannot-write-here"})
    assert r.returncode == 2 and "LINLI_VAR_DIR" in r.stderr
    r = linli("serve", extra_env={"LINLI_DATABASE_URL": "mysql://x", "LINLI_VAR_DIR": str(tmp_path)})
    assert r.returncode == 2 and "unsupported" in r.stderr
    r = linli("migrate", extra_env={"LINLI_PROFILE": "production", "LINLI_VAR_DIR": str(tmp_path)})
    assert r.returncode == 2 and "production profile needs" in r.stderr


def test_residents_import_from_the_command_line(env, tmp_path):
    import io

    from openpyxl import Workbook

    runner = CliRunner()
    assert runner.invoke(main, ["tenants", "apply", "tenants/demo"]).exit_code == 0
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "楼栋", "房号", "手机号"])
    sheet.append(["赵大爷", "3栋", "201", "13700000001"])
    sheet.append(["", "3栋", "202", "bad"])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "register.xlsx"
    path.write_bytes(buf.getvalue())
    r = runner.invoke(main, ["residents", "import", str(path), "--community", "guanfangjie"])
    assert r.exit_code == 1 and "row 3" in r.output and "nothing was imported" in r.output
    r = runner.invoke(main, ["residents", "import", str(path), "--community", "guanfangjie", "--partial"])
    assert r.exit_code == 0, r.output
    assert "1 new" in r.output and (tmp_path / "register.rejects.xlsx").exists()
    r = runner.invoke(main, ["residents", "import", str(path), "--community", "nowhere"])
    assert r.exit_code == 2 and "no such community" in r.output
    # The rest of the register, grids and cases from a terminal, as the same tenant walls apply.
    r = runner.invoke(main, ["residents", "search", "--community", "guanfangjie", "--name", "赵"])
    assert r.exit_code == 0 and "赵大爷" in r.output, r.output
    assert "13700000001" not in r.output  # masked
    out = tmp_path / "export.xlsx"
    r = runner.invoke(main, ["residents", "export", "--community", "guanfangjie", "--out", str(out)])
    assert r.exit_code == 0 and "wrote 1 rows" in r.output and out.stat().st_size > 0
    r = runner.invoke(main, ["residents", "search", "--community", "hongguang", "--name", "赵"])
    assert r.exit_code == 0 and "no resident matches" in r.output  # another community's register
    r = runner.invoke(main, ["residents", "search", "--community", "guanfangjie", "--category", "dragon"])
    assert r.exit_code == 2 and "category" in r.output
    r = runner.invoke(main, ["grids", "plan", "--community", "guanfangjie"])
    assert r.exit_code == 0 and "visit plan(s)" in r.output
    assert runner.invoke(main, ["grids", "due", "--community", "guanfangjie"]).exit_code == 0
    assert runner.invoke(main, ["grids", "list", "--community", "guanfangjie"]).exit_code == 0
    r = runner.invoke(main, ["cases", "list", "--community", "guanfangjie", "--state", "flying"])
    assert r.exit_code == 2 and "--state" in r.output
    r = runner.invoke(main, ["cases", "escalate", "--community", "guanfangjie"])
    assert r.exit_code == 0 and "0 case(s) escalated" in r.output
    r = runner.invoke(main, ["cases", "figures", "--community", "nowhere"])
    assert r.exit_code == 2 and "no active community" in r.output


def test_plugins_enable_and_disable_from_the_command_line(env):
    runner = CliRunner()
    assert runner.invoke(main, ["tenants", "apply", "tenants/demo"]).exit_code == 0
    r = runner.invoke(main, ["plugins", "enable", "noticeboard", "--community", "yuetang"])
    assert r.exit_code == 0 and "yuetang: noticeboard on" in r.output, r.output
    r = runner.invoke(main, ["plugins", "disable", "noticeboard", "--all"])
    assert r.exit_code == 0 and "yuetang: noticeboard off" in r.output and r.output.count(" off ") >= 5, (
        r.output
    )
    r = runner.invoke(main, ["plugins", "enable", "noticeboard"])
    assert r.exit_code == 2 and "--community" in r.output + (r.stderr if r.stderr_bytes else "")
    r = runner.invoke(main, ["plugins", "enable", "nosuch", "--community", "yuetang"])
    assert r.exit_code == 2
