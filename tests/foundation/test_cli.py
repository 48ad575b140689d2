"""The `avstem` console script, run as a user would run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

AVSTEM = str(Path(sys.executable).with_name("avstem"))
COMMANDS = ["serve", "demo", "worker", "createuser", "manage", "parse"]


def run(*args, data_dir: Path, timeout=120, **env):
    environment = {**os.environ, "AVSTEM_DATA_DIR": str(data_dir), **env}
    environment.pop("DATABASE_URL", None)  # each run gets its own SQLite database in data_dir
    return subprocess.run([AVSTEM, *args], capture_output=True, text=True, timeout=timeout, env=environment)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_help_lists_every_command_and_each_has_help(tmp_path):
    top = run("--help", data_dir=tmp_path)
    assert top.returncode == 0
    for command in COMMANDS:
        assert command in top.stdout
        sub = run(command, "--help", data_dir=tmp_path)
        assert sub.returncode == 0 and "usage: avstem " + command in sub.stdout, sub.stderr


def test_createuser_and_manage(tmp_path):
    made = run("createuser", "--email", "ola@example.no", "--name", "Ola", "--password", "lang-og-sikker-42",
               data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    again = run("createuser", "--email", "ola@example.no", "--password", "lang-og-sikker-42", data_dir=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    weak = run("createuser", "--email", "x@example.no", "--password", "123", data_dir=tmp_path)
    assert weak.returncode == 2 and "Password refused" in weak.stderr
    shown = run("manage", "shell", "--no-imports", "-c", "from avstem.users.models import User; print(User.objects.get().name)",
                data_dir=tmp_path)
    assert shown.stdout.strip() == "Ola", shown.stderr


def test_worker_runs_queued_tasks_and_exits_in_batch_mode(tmp_path):
    assert run("manage", "migrate", "-v", "0", data_dir=tmp_path).returncode == 0
    enqueue = run("manage", "shell", "--no-imports", "-c",
                  "from avstem.web.tasks import ping; print(ping.enqueue('hei').id)", data_dir=tmp_path)
    assert enqueue.returncode == 0, enqueue.stderr
    task_id = enqueue.stdout.strip()
    worker = run("worker", "--batch", data_dir=tmp_path)
    assert worker.returncode == 0, worker.stderr
    status = run("manage", "shell", "--no-imports", "-c",
                 f"from avstem.web.tasks import ping; r = ping.get_result('{task_id}'); print(r.status, r.return_value)",
                 data_dir=tmp_path)
    assert status.stdout.split() == ["SUCCESSFUL", "pong:hei"], status.stderr


def test_serve_runs_a_production_server_with_static_files(tmp_path):
    port = free_port()
    env = {**os.environ, "AVSTEM_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("AVSTEM_DEBUG", None)
    server = subprocess.Popen([AVSTEM, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240  # a fresh database: migrations and a year of demo books
        while True:
            try:
                login = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"server did not start: {server.stdout.read() if server.poll() is not None else ''}")
                time.sleep(0.3)
        assert login.headers["Server"] == "avstem"  # waitress, not Django's runserver
        assert "Logg inn" in login.read().decode()
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/avstem/avstem.css", timeout=5)
        assert css.status == 200 and b"--green" in css.read()
        htmx = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/django_htmx/htmx-2.min.js", timeout=5)
        assert htmx.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_starts_the_web_app_and_a_worker_and_stops_them_together(tmp_path):
    port = free_port()
    env = {**os.environ, "AVSTEM_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    bank_port = free_port()
    demo = subprocess.Popen([AVSTEM, "demo", "--no-open", "--port", str(port), "--bank-port", str(bank_port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first_line = ""
        deadline = time.monotonic() + 240  # a fresh database: migrations and a year of demo books
        while "Log in as" not in first_line and time.monotonic() < deadline:
            first_line += demo.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line and "demo@avstem.no" in first_line
        for _ in range(100):
            try:
                assert "Logg inn" in urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.3)
        for _ in range(100):  # the sandbox bank, seeded with the demo companies
            try:
                bank = urllib.request.urlopen(f"http://127.0.0.1:{bank_port}/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.3)
        assert "Fjellbekk Bakeri AS" in bank and "Nordlys Konsult AS" in bank
        children = subprocess.run(["pgrep", "-P", str(demo.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 3  # the task worker, the sandbox bank and the bank sync scheduler
    finally:
        demo.terminate()
        demo.wait(timeout=20)
    time.sleep(0.5)
    for child in children:
        assert subprocess.run(["ps", "-p", child], capture_output=True).returncode != 0, "child left running"
