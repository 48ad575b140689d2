"""`avstem sandbox-bank`: run the sandbox bank, generate scenario traffic, print an example input.

    avstem sandbox-bank [--host 127.0.0.1] [--port 8700] [--data DIR] [--start-day YYYY-MM-DD] [--demo]
    avstem sandbox-bank generate --input company.json --seed N --days D [--data DIR] [--out DIR] --truth truth.json
    avstem sandbox-bank example-input [--invoices N] > company.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
import time
from pathlib import Path

DEFAULT_PORT = 8700
ADMIN_KEY_ENV = "AVSTEM_SANDBOX_ADMIN_KEY"


def default_data_dir() -> Path:
    return Path(os.environ.get("AVSTEM_DATA_DIR", "var")) / "sandbox-bank"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_serve(args: argparse.Namespace) -> int:
    from avstem.sandbox_bank.server import SandboxBank, configure_logging, serve

    configure_logging(args.quiet)
    key = os.environ.get(ADMIN_KEY_ENV) or secrets.token_urlsafe(18)
    app = SandboxBank(args.data, key, start_day=args.start_day)
    if args.demo:
        from avstem.sandbox_bank.demo import seed_demo

        seed_demo(app.store)
    with app.store.read() as conn:
        from avstem.sandbox_bank.store import bank_day

        today = bank_day(conn)
    lines = [f"Sandbox bank: http://{args.host}:{args.port}/", f"  data: {Path(args.data).resolve()}",
             f"  bank day: {today}"]
    lines.append(f"  admin key: from ${ADMIN_KEY_ENV}" if os.environ.get(ADMIN_KEY_ENV) else f"  admin key: {key}")
    print("\n".join(lines), flush=True)
    serve(app, args.host, args.port, args.threads)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from avstem.sandbox_bank import generator, scenario

    if args.input is None and args.example is None:
        print("give --input company.json (or --example N for a made-up company with N invoices)", file=sys.stderr)
        return 2
    try:
        if args.input is not None:
            company = scenario.load(args.input)
        else:
            company = scenario.example_scenario(seed=args.seed, invoices=args.example)
    except (OSError, ValueError) as exc:
        print(f"{args.input or 'example'}: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    result = generator.generate(company, seed=args.seed, days=args.days, start=args.start)
    lines = sum(len(entries) for entries in result.entries.values())
    if args.data is not None:
        from avstem.sandbox_bank.store import Store

        generator.store_result(Store(args.data, start_day=result.start), result)  # a new bank starts with the traffic
    if args.out is not None:
        generator.write_files(result, Path(args.out))
    if args.truth is not None:
        Path(args.truth).write_text(json.dumps(result.truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    seconds = time.monotonic() - started
    items = len(result.truth["transactions"])
    print(f"{company.name} ({company.org_number}): {lines} bank lines holding {items} transactions (truth items), "
          f"{result.start} to {result.end}, in {seconds:.2f} s ({items / max(seconds, 1e-9):.0f} transactions/s)")
    return 0


def cmd_example(args: argparse.Namespace) -> int:
    from avstem.sandbox_bank import scenario

    company = scenario.example_scenario(seed=args.seed, invoices=args.invoices, org_number=args.org_number,
                                        name=args.name)
    print(json.dumps(company.to_dict(), indent=1, ensure_ascii=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sandbox-bank", help="run the sandbox bank (a Norwegian bank's integration, locally)",
                              description="Run the sandbox bank: OAuth2+PKCE onboarding, account information "
                                          "(JSON, camt.053/054, Nets OCR), payments (pain.001/002) and mailboxes.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    p.add_argument("--data", type=Path, default=default_data_dir(), help="state directory (default $AVSTEM_DATA_DIR/sandbox-bank)")
    p.add_argument("--start-day", type=_date, help="the first bank day of a new data directory (default today)")
    p.add_argument("--demo", action="store_true", help="make sure the demo companies and their accounts exist")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--quiet", action="store_true", help="log only problems, not every request")
    p.set_defaults(func=cmd_serve)
    sub = p.add_subparsers(dest="sandbox_command", metavar="SUBCOMMAND")

    g = sub.add_parser("generate", help="make seeded, reproducible bank traffic for a company, with its ground truth",
                       description="Generate a company's bank traffic from its open invoices and suppliers "
                                   "(same seed, same output) and write the ground truth as JSON.")
    g.add_argument("--input", type=Path, help="the company as JSON (see avstem/sandbox_bank/scenario.py)")
    g.add_argument("--example", type=int, metavar="N", help="instead of --input: a made-up company with N invoices")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--days", type=int, default=20, help="business days of traffic (default 20)")
    g.add_argument("--start", type=_date, help="first day (default: the days end the business day before today)")
    g.add_argument("--data", type=Path, help="a sandbox bank data directory to put the traffic in")
    g.add_argument("--out", type=Path, help="a directory to write camt.053, camt.054 and OCR files to")
    g.add_argument("--truth", type=Path, help="where to write the ground truth JSON")
    g.set_defaults(func=cmd_generate)

    e = sub.add_parser("example-input", help="print an example company JSON for generate",
                       description="Print a made-up company in the generator's input format.")
    e.add_argument("--invoices", type=int, default=40)
    e.add_argument("--seed", type=int, default=1)
    e.add_argument("--org-number", default="923456783")
    e.add_argument("--name", default="Fjellbekk Bakeri AS")
    e.set_defaults(func=cmd_example)
