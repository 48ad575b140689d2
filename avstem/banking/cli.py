"""`avstem scheduler`: enqueue the daily bank syncs that are due (see banking/scheduling.py).

    avstem scheduler [--interval 30]    run until stopped; many may run at once, safely
    avstem scheduler --once             one tick, then exit (cron, tests)
"""

from __future__ import annotations

import argparse
import signal
import threading


def cmd_scheduler(args) -> int:
    from avstem.commands.web import migrate, setup_django

    setup_django()
    migrate()
    from avstem.banking import scheduling

    if args.once:
        created = scheduling.tick()
        print(f"{len(created)} bank sync run(s) enqueued", flush=True)
        return 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"Bank sync scheduler: a tick every {args.interval:g} s", flush=True)
    scheduling.loop(args.interval, stop)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("scheduler", help="enqueue the daily bank syncs when they are due",
                              description="Every interval, enqueue the bank syncs that are due (the next "
                                          "morning at 06:00 Europe/Oslo by default). Several schedulers may run "
                                          "at once: a run is enqueued only once.")
    p.add_argument("--interval", type=float, default=30.0, help="seconds between ticks (default 30)")
    p.add_argument("--once", action="store_true", help="one tick, then exit")
    p.set_defaults(func=cmd_scheduler)
