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
    env.update({"APP_ENV": "production", "SECRET_KEY": "deploy-test-secret-of-at-least-32-characters", "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.db", "SESSION_COOKIE_SECURE": "0",
                "RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "1", **extra})
    return env


def test_every_unit_runs_a_command_that_exists(tmp_path):
    assert {u.stem for u in UNITS} >= {"inducci-web", "inducci-mail", "inducci-remind", "inducci-expire",
                                        "inducci-purge", "inducci-feedback"}
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
                urllib.request.urlopen(f"http://127.0.0.1:{port}/password/reset/s3cret-token", timeout=5).close()
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
    assert "s3cret-token" not in output and 'path="/password/reset/[secret]"' in output


def test_the_app_logs_json_lines_with_the_request_id_and_no_secrets(tmp_path, capsys):
    import json
    import logging

    from inducci_events import create_app
    from inducci_events.core.logs import JsonFormatter

    logger = logging.getLogger("inducci_events")
    before = list(logger.handlers), logger.propagate, logger.level
    try:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/log.db", TESTING=False)

        @app.get("/password/reset/<token>/_log_something")
        def _log_something(token):
            app.logger.warning("booking refused")
            return "ok"

        client = app.test_client()
        given = client.get("/password/reset/s3cret-token/_log_something", headers={"X-Request-ID": "abcdef123456"})
        unsafe = client.get("/password/reset/s3cret-token/_log_something", headers={"X-Request-ID": 'evil" id'})
    finally:
        for handler in logger.handlers:
            if handler not in before[0]:
                logger.removeHandler(handler)
        logger.propagate, logger.level = before[1], before[2]
    assert any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers) is False  # cleaned up
    assert given.headers["X-Request-ID"] == "abcdef123456"
    assert len(unsafe.headers["X-Request-ID"]) == 32 and unsafe.headers["X-Request-ID"] != 'evil" id'
    err = capsys.readouterr().err
    assert "s3cret-token" not in err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert [(e["level"], e["message"], e["request_id"], e["path"]) for e in lines] == [
        ("WARNING", "booking refused", "abcdef123456", "/password/reset/[secret]/_log_something"),
        ("WARNING", "booking refused", unsafe.headers["X-Request-ID"], "/password/reset/[secret]/_log_something")]


@pytest.mark.postgres_only
def test_the_installation_runs_as_its_processes(app, empty_database_url, tmp_path):
    """The recipe's processes on PostgreSQL and Redis, no containers: migrate, set up a partner
    from the command line, gunicorn with the deploy config, a booking through the API, the mail
    worker delivering its confirmation over SMTP, and each timer's job."""
    import json
    from datetime import date, timedelta

    from tests.mail.conftest import SMTPServer

    smtp = SMTPServer()
    smtp.start()
    env = _env(tmp_path, DATABASE_URL=empty_database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), MAIL_DEFAULT_SENDER="Events <events@example.org>",
               BIND=f"127.0.0.1:{_free_port()}")
    flask = [str(BIN / "flask"), "--app", "wsgi"]

    def run(*args):
        result = subprocess.run([*flask, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout

    def call(method, path, body=None, token=None):
        request = urllib.request.Request(f"http://{env['BIND']}/api/v1{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())

    processes = []
    try:
        run("db", "upgrade")
        run("organisations", "create", "sokolov", "--name", "Microregion Sokolov-East", "--country", "CZ",
            "--timezone", "Europe/Prague", "--partner")
        run("users", "create", "organiser@example.org", "--name", "Olga", "--password", "organiser password")
        run("users", "create", "petra@example.org", "--name", "Petra", "--password", "participant password")
        run("users", "grant", "organiser@example.org", "sokolov", "organiser")

        web = subprocess.Popen(_exec_start(ROOT / "deploy/systemd/inducci-web.service"), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(web)
        deadline = time.monotonic() + 30
        while True:
            try:
                assert call("GET", "/health")[0] == 200
                break
            except OSError:
                assert web.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)

        organiser = call("POST", "/auth/token", {"email": "organiser@example.org",
                                                 "password": "organiser password"})[1]["token"]
        status, venue = call("POST", "/organisations/sokolov/venues", {
            "name": "Sokolov castle", "city": "Sokolov", "country": "CZ", "timezone": "Europe/Prague"},
            token=organiser)
        assert status == 201
        day = (date.today() + timedelta(days=40)).isoformat()  # within the reminder horizon: none yet
        status, event = call("POST", "/events", {
            "organisation": "sokolov", "title": "Workshop 1", "capacity": 5, "enrolment_mode": "series",
            "waitlist": True, "requires_approval": False, "status": "published",
            "sessions": [{"title": "Workshop 1", "starts_at": f"{day}T16:00:00+00:00",
                          "ends_at": f"{day}T19:00:00+00:00", "venue_id": venue["id"]}]}, token=organiser)
        assert status == 201
        petra = call("POST", "/auth/token", {"email": "petra@example.org", "password": "participant password"})[1]
        status, enrolment = call("POST", f"/events/{event['id']}/enrolments", {}, token=petra["token"])
        assert (status, enrolment["status"]) == (201, "confirmed")

        worker = subprocess.Popen(_exec_start(ROOT / "deploy/systemd/inducci-mail.service"), cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(worker)
        def to_petra():
            return [m["Subject"] for m in smtp.inbox.messages if "petra@example.org" in (m["To"] or "")]

        deadline = time.monotonic() + 30
        while not any("Workshop 1" in subject for subject in to_petra()):
            assert worker.poll() is None and time.monotonic() < deadline, f"no confirmation: {to_petra()}"
            time.sleep(0.2)

        for unit in ("inducci-remind.service", "inducci-expire.service", "inducci-purge.service",
                     "inducci-feedback.service"):
            argv = _exec_start(ROOT / "deploy/systemd" / unit)
            result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, (unit, result.stderr)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=40)
        smtp.stop()


def test_the_environment_file_reads_the_same_in_a_shell_and_names_only_real_settings():
    result = subprocess.run(["sh", "-c", "set -a; . deploy/env.example; env"], cwd=ROOT, capture_output=True,
                            text=True, env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0 and result.stderr == ""
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert env["MAIL_DEFAULT_SENDER"] == "InduCCI events <events@example.org>"
    assert env["LOG_LEVEL"] == "info" and env["INSTANCE_PATH"] == "/var/lib/inducci-events"
    names = re.findall(r"^([A-Z_]+)=", (ROOT / "deploy/env.example").read_text(), re.M)
    documented = (ROOT / "README.md").read_text() + (ROOT / "deploy/gunicorn.conf.py").read_text()
    assert [n for n in names if f"`{n}`" not in documented and f'"{n}"' not in documented] == []
