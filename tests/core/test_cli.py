"""The `linli` command line: real commands on real SQLite files, and clear one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from core.cli import main


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


def test_serve_refuses_bad_configuration_in_one_line(tmp_path):
    r = linli(
        "serve",
        extra_env={"LINLI_DATABASE_URL": "postgresql://u:secret@127.0.0.1:1/x",
                   "LINLI_VAR_DIR": str(tmp_path)},
    )
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1
    assert "secret" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    unwritable = tmp_path / "ro"
    unwritable.write_text("a file, not a folder")
    r = linli("serve", "--port", "1", extra_env={"LINLI_VAR_DIR": str(unwritable / "var")})
    assert r.returncode == 2 and r.stderr.startswith("error: LINLI_VAR_DIR: ")
    assert len(r.stderr.strip().splitlines()) == 1
    r = linli("migrate", extra_env={"LINLI_VAR_DIR": str(tmp_path), "LINLI_LOG_LEVEL": "loud"})
    assert r.returncode == 2 and r.stderr.strip() == (
        "error: LINLI_LOG_LEVEL: 'loud' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )


def test_users_roles_and_passwords(env):
    runner = CliRunner()
    assert runner.invoke(main, ["tenants", "apply", "tenants/demo"]).exit_code == 0
    r = runner.invoke(main, ["users", "create", "lili", "--password", "Long-enough-1", "--display-name", "李",
                             "--phone", "13800000002", "--platform-admin"])
    assert r.exit_code == 0 and "created user lili" in r.output
    r = runner.invoke(main, ["users", "create", "lili", "--password", "Long-enough-1"])
    assert r.exit_code == 2 and "error: the username 'lili' is taken" in r.output
    r = runner.invoke(main, ["users", "grant", "lili", "office_admin", "--office", "linli-demo"])
    assert r.exit_code == 0 and "lili is office_admin in linli-demo" in r.output
    r = runner.invoke(main, ["users", "grant", "lili", "office_admin", "--office", "linli-demo"])
    assert r.exit_code == 0 and "(already)" in r.output
    r = runner.invoke(main, ["users", "grant", "lili", "office_admin"])
    assert r.exit_code == 2 and "exactly one of --community SLUG or --office SLUG" in r.output
    r = runner.invoke(main, ["users", "grant", "nobody", "grid_worker", "--community", "yuetang"])
    assert r.exit_code == 2 and "no such user: nobody" in r.output
    r = runner.invoke(main, ["users", "grant", "lili", "grid_worker", "--community", "atlantis"])
    assert r.exit_code == 2 and "no such community: atlantis" in r.output
    r = runner.invoke(main, ["users", "set-password", "lili", "--password", "Another-good-2"])
    assert r.exit_code == 0 and "password set for lili" in r.output
    r = runner.invoke(main, ["users", "set-password", "lili"], input="")  # no terminal to ask on
    assert r.exit_code == 2 and "error: password: give --password" in r.output
    r = runner.invoke(main, ["users", "create", "zhao"])
    assert r.exit_code == 2 and "give --password" in r.output


def test_tenant_file_problems_are_printed_verbatim(env, tmp_path):
    bad = tmp_path / "office.toml"
    bad.write_text(
        '[office]\nslug = "o1"\nname = "某街道"\n[[community]]\nslug = "c1"\nname = "某社区"\n'
        'plugins = ["[bold]x"]\n',
        encoding="utf-8",
    )
    r = CliRunner().invoke(main, ["tenants", "apply", str(bad)])
    assert r.exit_code == 1
    # rich markup in the file ([bold]) is shown as written, and so are the [0] indexes
    assert f"error: {bad}: community[0].plugins[0]: unknown module '[bold]x'" in r.output
    assert "nothing was changed" in r.output


def test_plugins_list_and_check(env):
    runner = CliRunner()
    r = runner.invoke(main, ["plugins", "list"])
    assert r.exit_code == 0
    assert ("state" in r.output and "version" in r.output) or "no plugins installed" in r.output
    r = runner.invoke(main, ["plugins", "check", "no-such-plugin"])
    assert r.exit_code == 1 and "✗ no-such-plugin: installed: no such plugin" in r.output


def test_plugins_list_shows_quarantined_plugins_with_the_reason(env, monkeypatch):
    monkeypatch.setenv("LINLI_EXTRA_PLUGINS", "lp_alpha,lp_bad_manifest")
    r = CliRunner().invoke(main, ["plugins", "list"])
    assert r.exit_code == 0, r.output
    assert "alpha" in r.output and "loaded" in r.output
    assert "lp_bad_manifest" in r.output and "quarantined" in r.output


def test_json_logs_carry_request_fields_and_never_a_password(capsys):
    import json
    import logging

    from core.logging import configure_logging
    from core.settings import load_settings

    configure_logging(load_settings(environ={}, log_format="json"))
    try:
        logging.getLogger("linli.http").info(
            "request from postgresql://u:hunter2@db/x password=hunter2",
            extra={"request_id": "r1", "method": "POST", "path": "/api/v1/auth/login", "status": 200,
                   "ms": 3.2, "password": "hunter2", "color_message": "dup"},
        )
        line = capsys.readouterr().err.strip()
        entry = json.loads(line)
        fields = {"time", "level", "logger", "message", "request_id", "method", "path", "status", "ms"}
        assert fields <= set(entry)
        assert entry["level"] == "info" and entry["status"] == 200 and entry["request_id"] == "r1"
        assert "hunter2" not in line and entry["password"] == "***" and "color_message" not in entry
        configure_logging(load_settings(environ={}))
        logging.getLogger("linli.http").warning("text", extra={"status": 500, "token": "abc"})
        text = capsys.readouterr().err.strip()
        assert text.endswith("WARNING linli.http: text status=500 token=***")
    finally:
        logging.getLogger().handlers[:] = []


def test_usage_errors_are_one_line_too(env):
    r = linli("users", "grant", "wang")
    assert r.returncode == 2
    assert r.stderr.strip() == "error: Missing argument 'ROLE'. (see 'linli users grant --help')"
    r = linli("serve", "--port", "eighty")
    assert r.returncode == 2 and r.stderr.startswith("error: Invalid value for '--port'")
    assert len(r.stderr.strip().splitlines()) == 1
    r = linli("frobnicate")
    assert r.returncode == 2
    assert r.stderr.strip() == "error: No such command 'frobnicate'. (see 'linli --help')"
