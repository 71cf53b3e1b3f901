#!/usr/bin/env python3
"""Compare eduplan-layout with PySAL spopt (PuLP + CBC) on the OR-Library location instances.

p-median and p-center: spopt.locate.PMedian / PCenter built from the shortest-path cost
matrix (Floyd–Warshall, last duplicate edge wins). Capacitated p-median (pmedcap, single
sourcing): spopt.locate.PMedian with facility_capacities — its assignment variables are
binary, so it is single-sourced — but spopt weights the objective by the same array as the
capacity demand, so we pass cost[i][j] = floor(dist)/demand[i] to make the objective the
unweighted distance of the OR-Library definition.

Default subset (CBC needs minutes on the larger graphs): pmed1–10 and pmedcap01–05.
`--all` runs pmed1–40 and pmedcap01–20; `--pmed-from A --pmed B --pmedcap 0` runs pmedA–B
only. On pmed40 (n = 900) building the spopt model takes 23 s and CBC returns no solution
after 163 s with a 60 s limit (writing and reading the LP file), so `--all` needs hours;
`--rows FILE` keeps each finished row and `--resume` (with `--rows`) solves only the instances
not yet in FILE, then prints the table of all of them: the run can span several sittings. Each CBC solve gets --time-limit seconds (default
60); a solve that stops at the limit is marked "timeout" (objective = best found, if any).
Our side runs `cargo run --release -p eduplan-layout --example orlib_bench -- --json`.

Setup: pip install spopt pulp
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pulp
from spopt.locate import PCenter, PMedian

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "bench" / "location"


def read_pmed(path):
    lines = [l.split() for l in open(path) if l.strip()]
    n, _, p = map(int, lines[0][:3])
    d = np.full((n, n), np.inf)
    np.fill_diagonal(d, 0)
    for a in lines[1:]:
        i, j, c = int(a[0]) - 1, int(a[1]) - 1, float(a[2])
        if i != j:  # last occurrence wins
            d[i, j] = d[j, i] = c
    for k in range(n):
        d = np.minimum(d, d[:, k, None] + d[None, k, :])
    return n, p, d


def read_pmedcap(path):
    lines = [l.split() for l in open(path) if l.strip()]
    best = float(lines[0][1])
    n, p, cap = int(lines[1][0]), int(lines[1][1]), float(lines[1][2])
    pts = np.array([[float(a[1]), float(a[2]), float(a[3])] for a in lines[2 : 2 + n]])
    xy, q = pts[:, :2], pts[:, 2]
    d = np.floor(np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)))
    return n, p, cap, q, d, best


def cbc(limit):
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=limit)


def solve_spopt(model, limit):
    t = time.time()
    try:
        model.solve(cbc(limit))
    except Exception as e:  # spopt raises when CBC returns no solution
        print(f"    CBC/spopt: {str(e)[:80]}", file=sys.stderr)
        return None, time.time() - t, "no solution"
    secs = time.time() - t
    prob = model.problem
    val = pulp.value(prob.objective)
    proven = prob.status == 1 and getattr(prob, "sol_status", 1) == 1 and secs < limit * 0.98
    status = "optimal" if proven else ("timeout" if val is not None else "no solution")
    return val, secs, status


def ours(names):
    cmd = [
        "cargo", "run", "--quiet", "--release", "-p", "eduplan-layout", "--example", "orlib_bench",
        "--", "--json", "--only", ",".join(names), "--dir", str(BENCH),
    ]
    env = dict(os.environ, CARGO_TARGET_DIR=os.environ.get("CARGO_TARGET_DIR", "/tmp/layout-target"))
    out = subprocess.run(cmd, cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    return {(r["kind"], r["instance"]): r for r in rows}


def keep(path, row):
    """Appends a finished row, so a long run that is stopped keeps what it measured."""
    if path is not None:
        with open(path, "a") as f:
            f.write(json.dumps(row) + "\n")


def row(kind, name, n, p, known, r, val, secs, status):
    return {"kind": kind, "instance": name, "n": n, "p": p, "optimum": known,
            "ours": r["objective"], "ours_s": r["seconds"], "ours_gap": r["gap"],
            "cbc": val, "cbc_s": secs, "cbc_status": status}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="pmed1-40 and pmedcap01-20")
    ap.add_argument("--time-limit", type=float, default=60.0, help="CBC seconds per solve")
    ap.add_argument("--pmed", type=int, default=None, help="pmed1..N (default 10, 40 with --all)")
    ap.add_argument("--pmedcap", type=int, default=None, help="pmedcap01..N (default 5, 20 with --all; 0 for none)")
    ap.add_argument("--pmed-from", type=int, default=1, help="first pmed instance (default 1)")
    ap.add_argument("--rows", type=Path, default=None, help="append each finished row to this JSON-lines file")
    ap.add_argument("--resume", action="store_true",
                    help="with --rows: keep the rows already in the file, solve only the others, print them all")
    ap.add_argument("--print", action="store_true", help="with --rows: print the table of FILE and stop")
    args = ap.parse_args()
    if args.print:
        table([json.loads(l) for l in open(args.rows) if l.strip()])
        return
    last_pmed = args.pmed if args.pmed is not None else (40 if args.all else 10)
    pmeds = range(args.pmed_from, last_pmed + 1)
    caps = range(1, (args.pmedcap if args.pmedcap is not None else (20 if args.all else 5)) + 1)
    rows = []
    if args.resume and args.rows is not None and args.rows.exists():
        rows = [json.loads(l) for l in open(args.rows) if l.strip()]
    done = {(r["kind"], r["instance"]) for r in rows}
    pmeds = [k for k in pmeds if any((kind, f"pmed{k}") not in done for kind in ("pmedian", "pcenter"))]
    caps = [k for k in caps if ("pmedcap", f"pmedcap{k:02d}") not in done]
    names = [f"pmed{k}" for k in pmeds] + [f"pmedcap{k:02d}" for k in caps]
    print(f"# eduplan-layout vs spopt {__import__('spopt').__version__} + CBC (PuLP {pulp.__version__}), "
          f"CBC limit {args.time_limit:.0f} s\n", flush=True)
    mine = ours(names) if names else {}
    opt = {}
    for f in ("pmedopt.txt", "pcenteropt.txt"):
        for l in open(BENCH / "orlib-pmed" / f):
            a = l.split()
            if len(a) == 2 and a[1].isdigit():
                opt[(("pmedian" if f == "pmedopt.txt" else "pcenter"), a[0])] = float(a[1])
    for k in pmeds:
        name = f"pmed{k}"
        n, p, d = read_pmed(BENCH / "orlib-pmed" / f"{name}.txt")
        for kind in ("pmedian", "pcenter"):
            if (kind, name) in done:
                continue
            if kind == "pmedian":
                m = PMedian.from_cost_matrix(d, np.ones(n), p_facilities=p, name=name)
            else:
                m = PCenter.from_cost_matrix(d, p_facilities=p, name=name)
            val, secs, status = solve_spopt(m, args.time_limit)
            rows.append(row(kind, name, n, p, opt[(kind, name)], mine[(kind, name)], val, secs, status))
            keep(args.rows, rows[-1])
            print(f"  {kind} {name}: spopt {val} {status} {secs:.1f}s", file=sys.stderr, flush=True)
    for k in caps:
        name = f"pmedcap{k:02d}"
        n, p, cap, q, d, best = read_pmedcap(BENCH / "orlib-pmedcap" / f"{name}.txt")
        m = PMedian.from_cost_matrix(d / q[:, None], q, p_facilities=p, facility_capacities=np.full(n, cap), name=name)
        val, secs, status = solve_spopt(m, args.time_limit)
        rows.append(row("pmedcap", name, n, p, best, mine[("pmedcap", name)], val, secs, status))
        keep(args.rows, rows[-1])
        print(f"  pmedcap {name}: spopt {val} {status} {secs:.1f}s", file=sys.stderr, flush=True)
    table(rows)


def table(rows):
    order = {"pmedian": 0, "pcenter": 1, "pmedcap": 2}
    rows = sorted(rows, key=lambda r: (r["kind"] == "pmedcap", int("".join(c for c in r["instance"] if c.isdigit())), order[r["kind"]]))
    print("| kind | instance | n | p | optimum | ours | ours s | ours gap | spopt+CBC | CBC s | CBC status | time ratio CBC/ours |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    summary = {}
    for r in rows:
        val, secs, known = r["cbc"], r["cbc_s"], r["optimum"]
        v = "–" if val is None else f"{round(val, 3):g}"
        ratio = secs / max(r["ours_s"], 1e-3)
        print(f"| {r['kind']} | {r['instance']} | {r['n']} | {r['p']} | {known:g} | {r['ours']:g} | {r['ours_s']:.2f} | "
              f"{100 * r['ours_gap']:.2f}% | {v} | {secs:.1f} | {r['cbc_status']} | {ratio:.0f}× |")
        s = summary.setdefault(r["kind"], {"count": 0, "ours_opt": 0, "cbc_opt": 0, "cbc_timeouts": 0, "ours_s": 0.0, "cbc_s": 0.0})
        s["count"] += 1
        s["ours_opt"] += int(abs(r["ours"] - known) < 1e-6)
        s["cbc_opt"] += int(val is not None and abs(val - known) < 1e-6)
        s["cbc_timeouts"] += int(r["cbc_status"] != "optimal")
        s["ours_s"] += r["ours_s"]
        s["cbc_s"] += secs
    print("\n| kind | instances | ours at optimum | CBC at optimum | CBC timeouts | ours total s | CBC total s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, s in sorted(summary.items(), key=lambda x: order[x[0]]):
        print(f"| {kind} | {s['count']} | {s['ours_opt']} | {s['cbc_opt']} | {s['cbc_timeouts']} | "
              f"{s['ours_s']:.1f} | {s['cbc_s']:.1f} |")


if __name__ == "__main__":
    main()
