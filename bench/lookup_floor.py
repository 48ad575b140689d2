"""Benchmark: the floor under the engine's 10x steps, in three memory layouts.

    .venv/bin/python bench/lookup_floor.py [--sizes 100000,1000000]

bench/reconcile_speed.py holds the engine to at most 12x per 10x step. This measures what the
machine's memory does to the least a matcher does per line, the engine's first look stripped to
its memory touches: index the open items by KID, then for each transaction (lines in date order)
look up its reference, read the item's amount, mark the item settled and make a result. It does
so in three layouts, on the same generated scenarios as reconcile_speed (bench/out/):

  objects   as the engine is: KID -> the open item object, settled items in a dict by id (the baseline)
  arrays    KID -> the item's position, amounts in an array('q'), settled flags in a bytearray
  interned  arrays, with the lines' references interned against the items' KIDs (a key compares by
            identity, without reading the other string)

Each size runs in its own child process; CPU time, best of BENCH_REPEAT runs (3). Printed: each
layout's time, its ratio to the baseline and its 10x step. If no layout steps under 12x, no
change of data layout alone brings the engine's step under it on this machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from array import array

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

LAYOUTS = ("objects", "arrays", "interned")


def _objects(items, refs) -> list:
    index = {item.kid: item for item in items if item.kid}
    settled: dict[str, int] = {}
    out: list = []
    for ref in refs:
        item = index.get(ref)
        if item is not None and item.remaining:
            settled[item.id] = len(out)
            out.append((ref, item.id, item.remaining))
        else:
            out.append(None)
    return out


def _arrays(kids, remaining_of, refs) -> list:
    position = dict(zip(kids, range(len(kids))))
    remaining = array("q", remaining_of)
    settled = bytearray(len(kids))
    out: list = []
    for ref in refs:
        at = position.get(ref)
        if at is not None and remaining[at]:
            settled[at] = 1
            out.append((ref, at, remaining[at]))
        else:
            out.append(None)
    return out


def child(lines: int) -> dict:
    from reconcile_speed import scenario_for

    scenario = scenario_for(lines)
    items = scenario.candidates()["open_items"]
    refs = [source.creditor_refs[0] if source.creditor_refs else ""
            for line in sorted(scenario.lines, key=lambda line: line.booking_date)
            for source in line.details or (line,)]
    kids = [item.kid for item in items]
    amounts = [item.remaining for item in items]
    interned_kids = [sys.intern(k) for k in kids]
    interned_refs = [sys.intern(r) for r in refs]
    runs = {"objects": lambda: _objects(items, refs), "arrays": lambda: _arrays(kids, amounts, refs),
            "interned": lambda: _arrays(interned_kids, amounts, interned_refs)}
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    best = {}
    gc.collect()
    gc.disable()  # as in the engine
    try:
        for name in LAYOUTS:
            for _ in range(repeat):
                started = time.process_time()
                runs[name]()
                best[name] = min(best.get(name, float("inf")), time.process_time() - started)
    finally:
        gc.enable()
    return {"lines": len(scenario.lines), "transactions": len(refs), "open_items": len(items), **best}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    print(f"lookup floor, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
          f"(cpu s, best of {os.environ.get('BENCH_REPEAT', '3')})")
    print(f"{'lines':>9s} {'open items':>10s}  " + "  ".join(f"{name:>26s}" for name in LAYOUTS))
    previous = None
    for size in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run([sys.executable, __file__, "--child", str(size)], capture_output=True, text=True)
        sys.stderr.write(proc.stderr)
        if proc.returncode:
            raise SystemExit(f"{size} lines failed (exit {proc.returncode})")
        f = json.loads(proc.stdout.strip().splitlines()[-1])
        cells = []
        for name in LAYOUTS:
            cell = f"{f[name]:.3f} s {f[name] / f['objects']:.2f}x"
            if previous and previous["lines"] * 10 == f["lines"]:
                cell += f" step {f[name] / previous[name]:.1f}x"
            cells.append(f"{cell:>26s}")
        print(f"{f['lines']:9d} {f['open_items']:10d}  " + "  ".join(cells), flush=True)
        previous = f
    return 0


if __name__ == "__main__":
    sys.exit(main())
