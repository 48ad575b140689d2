#!/usr/bin/env python3
"""Take the README's screenshot of the running demo: `.venv/bin/python scripts/readme_screenshot.py`.

Starts `avstem demo` on a spare port with a throwaway data directory, logs in as the demo user
in Debian's Chromium and saves docs/screenshot.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from avstem.demo import DEMO_EMAIL, DEMO_PASSWORD  # noqa: E402


def main() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "AVSTEM_DATA_DIR": tempfile.mkdtemp(prefix="avstem-shot-")}
    demo = subprocess.Popen([str(ROOT / ".venv/bin/avstem"), "demo", "--no-open", "--port", str(port)], env=env)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="nb-NO")
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_label("E-post").fill(DEMO_EMAIL)
            page.get_by_label("Passord").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Logg inn").click()
            page.wait_for_load_state("networkidle")
            target = sys.argv[1] if len(sys.argv) > 1 else None
            if target:
                page.goto(f"http://127.0.0.1:{port}{target}")
            page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
            browser.close()
    finally:
        demo.terminate()
        demo.wait(timeout=20)


if __name__ == "__main__":
    main()
