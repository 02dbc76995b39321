"""The deployment recipe in deploy/ runs as written, without containers or systemd."""
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
BIN = Path(sys.executable).parent


def _exec_start(unit):
    line = next(line for line in unit.read_text().splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart="))
    return [str(BIN / Path(argv[0]).name), *argv[1:]]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_URL"))}
    env.update(APP_ENV="production", SECRET_KEY="deploy-test-secret", INSTANCE_PATH=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path}/deploy.db", SESSION_COOKIE_SECURE="0",
               RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY="1", **extra)
    return env


def test_every_unit_runs_a_command_that_exists(tmp_path):
    assert {u.stem for u in UNITS} >= {"inducci-web", "inducci-mail", "inducci-remind", "inducci-expire"}
    for unit in UNITS:
        text = unit.read_text()
        assert "EnvironmentFile=/etc/inducci-events/env" in text, unit.name
        argv = _exec_start(unit)
        if Path(argv[0]).name == "flask":
            result = subprocess.run([*argv, "--help"], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True)
            assert result.returncode == 0, (unit.name, result.stderr)
        timer = unit.with_suffix(".timer")
        if "Type=oneshot" in text:
            assert re.search(r"^OnCalendar=\S", timer.read_text(), re.M), f"{unit.name} has no timer"


def test_the_web_unit_serves_the_app_with_the_gunicorn_config(tmp_path):
    env = _env(tmp_path)
    migrated = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    env["BIND"] = f"127.0.0.1:{port}"
    server = subprocess.Popen(_exec_start(ROOT / "deploy/systemd/inducci-web.service"), cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer: {server.stdout.read() if server.poll() is not None else ''}")
                time.sleep(0.3)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=40)
    assert server.returncode == 0, output
    assert "path=\"/api/v1/health\" status=200" in output  # the access log goes to stderr (the journal)
    assert re.search(r"request_id=[0-9a-f]{32}", output)


def test_log_lines_are_json_with_the_request_id(app, client, capsys):
    import json
    import logging

    from inducci_events.core.logs import JsonFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("inducci_events.test")
    logger.addHandler(handler)
    try:
        @app.get("/_log_something")
        def _log_something():
            logger.warning("booking refused")
            return "ok"

        response = client.get("/_log_something", headers={"X-Request-ID": "abcdef123456"})
        unsafe = client.get("/_log_something", headers={"X-Request-ID": "evil\" id"})
    finally:
        logger.removeHandler(handler)
    assert response.headers["X-Request-ID"] == "abcdef123456"
    assert unsafe.headers["X-Request-ID"] != "evil\" id" and len(unsafe.headers["X-Request-ID"]) == 32
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert [(e["message"], e["request_id"], e["path"]) for e in lines] == [
        ("booking refused", "abcdef123456", "/_log_something"),
        ("booking refused", unsafe.headers["X-Request-ID"], "/_log_something")]
