#!/usr/bin/env python3
"""Set up and run Avstem with nothing but Python 3.11+.

    python3 dev.py demo     # virtual environment, database, demo company, web app
    python3 dev.py test     # virtual environment with test extras, every test
    python3 dev.py setup    # just the virtual environment

The virtual environment is .venv/ beside this file; it is (re)installed when pyproject.toml
changes. Extra arguments go to `avstem demo` or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".avstem-installed"


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Avstem needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print("Installing Avstem and its dependencies ...", flush=True)
        pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command not in {"demo", "test", "setup"}:
        print(__doc__)
        return 0 if command in {"help", "-h", "--help"} else 2
    setup()
    os.chdir(ROOT)
    if command == "demo":
        return subprocess.call([str(BIN / "avstem"), "demo", *rest])
    if command == "test":
        if any(Path(arg.split("::")[0]).exists() for arg in rest if not arg.startswith("-")):
            return subprocess.call([str(PYTHON), "-m", "pytest", *rest])  # the paths asked for
        # Browser tests (live server, transactional database) run in a process of their own, so
        # no state left by the other tests can reach them. Both runs must pass.
        first = subprocess.call([str(PYTHON), "-m", "pytest", "--ignore=tests/browser", *rest])
        second = subprocess.call([str(PYTHON), "-m", "pytest", "tests/browser", *rest])
        return first or second
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
