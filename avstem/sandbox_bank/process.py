"""Run the sandbox bank as a real child process on a free localhost port (for tests and tools).

    with SandboxBankProcess(tmp_path / "bank", start_day="2025-03-03") as bank:
        bank.client.create_customer(...)
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from avstem.sandbox_bank.client import SandboxBankClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SandboxBankProcess:
    def __init__(self, data_dir: str | Path, *, port: int | None = None, start_day: str | None = None,
                 admin_key: str | None = None, demo: bool = False, command: list[str] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.admin_key = admin_key or secrets.token_urlsafe(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = (command or [sys.executable, "-m", "avstem.cli"]) + [
            "sandbox-bank", "--port", str(self.port), "--data", str(self.data_dir), "--quiet"]
        if start_day:
            self.command += ["--start-day", start_day]
        if demo:
            self.command.append("--demo")
        self.process: subprocess.Popen | None = None
        self.client = SandboxBankClient(self.url, self.admin_key)

    def start(self, timeout: float = 30) -> SandboxBankProcess:
        env = {**os.environ, "AVSTEM_SANDBOX_ADMIN_KEY": self.admin_key}
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox bank exited ({self.process.returncode}): {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the sandbox bank did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> SandboxBankProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
