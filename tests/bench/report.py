#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# report.py DIR : turn DIR/results.tsv and DIR/meta.env (written by
# tests/bench/run.sh) into DIR/bench.md, DIR/bench-summary.json and the
# plot data DIR/plot-lat.dat, DIR/plot-bw.dat (for tests/bench/plot.gp).
# Standard library only.  See docs/bench.md for what the numbers mean.
import csv
import json
import math
import sys
from pathlib import Path

LAT_TESTS = ["ib_send_lat", "ib_write_lat"]
BW_TESTS = ["ib_write_bw", "ib_send_bw"]
LAT_GOAL = 1.05  # guest/native latency at 8 B, at most
BW_GOAL = 0.98  # guest/native bandwidth at >= 64 KiB, at least
BW_GOAL_FROM = 65536


COUNTERS = ("kicks", "events", "wqes", "cqes", "engine_passes", "engine_sleeps")


def median(vals):
    v = sorted(vals)
    n = len(v)
    if not n:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def human(size):
    if size >= 1048576 and size % 1048576 == 0:
        return f"{size // 1048576} MiB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} B"


def num(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def inum(s):
    try:
        return int(s)
    except (TypeError, ValueError):
        return None


def per1k(count, wqes):
    if count is None or not wqes:
        return None
    return count * 1000.0 / wqes


def fmt(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}"


def main(d):
    d = Path(d)
    meta = {}
    for line in (d / "meta.env").read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            meta[k] = v
    kicks_goal = float(meta.get("kicks_goal", "1.0"))
    rows = list(csv.DictReader(open(d / "results.tsv"), delimiter="\t"))
    reps = inum(meta.get("reps")) or 1
    groups = {}
    kicks_row = None
    failures = []
    for r in rows:
        r["size"] = int(r["size"])
        r["value"] = num(r["value"])
        r["aux"] = num(r["aux"])
        for c in ("rep",) + COUNTERS + ("iters", "attempts"):
            r[c] = inum(r[c])
        if r["note"]:
            failures.append(f"{r['test']} {human(r['size'])} {r['side']}"
                            + (f" (run {r['rep']})" if reps > 1 else "") + f": {r['note']}"
                            + ("" if r["status"] == "ok" else " -> no result"))
        if r["kind"] == "kicks":
            kicks_row = r
        else:
            groups.setdefault((r["test"], r["size"], r["side"]), []).append(r)
    # One entry per test, size and side: the median of the runs that gave a
    # result; the counters summed over those runs.
    by = {}
    for key, rs in groups.items():
        ok = [r for r in rs if r["value"] is not None]
        e = {
            "value": median([r["value"] for r in ok]),
            "aux": median([r["aux"] for r in ok if r["aux"] is not None]),
            "runs": [r["value"] for r in rs],
            "attempts": sum(r["attempts"] or 0 for r in rs),
            "iters": rs[0]["iters"],
            "log": rs[0]["log"],
        }
        for c in COUNTERS:
            vals = [r[c] for r in ok]
            e[c] = sum(vals) if ok and None not in vals else None
        by[key] = e
    sides = ["guest"] + (["g2g"] if meta.get("g2g") == "1" else [])

    points = []
    for test in LAT_TESTS + BW_TESTS:
        kind = "lat" if test in LAT_TESTS else "bw"
        sizes = sorted({s for (t, s, _) in by if t == test})
        for size in sizes:
            nat = by.get((test, size, "native"))
            for side in sides:
                g = by.get((test, size, side))
                if g is None:
                    continue
                nv = nat["value"] if nat else None
                gv = g["value"]
                p = {
                    "test": test,
                    "kind": kind,
                    "size": size,
                    "side": side,
                    "unit": "us" if kind == "lat" else "MiB/s",
                    "metric": "t_avg" if kind == "lat" else "BW average",
                    "native": nv,
                    "guest": gv,
                    "ratio": (gv / nv) if (gv is not None and nv) else None,
                    "native_aux": nat["aux"] if nat else None,
                    "guest_aux": g["aux"],
                    "aux_metric": "t_typical" if kind == "lat" else "BW peak",
                    "iters": g["iters"],
                    "attempts_native": nat["attempts"] if nat else None,
                    "attempts_guest": g["attempts"],
                    "runs_native": nat["runs"] if nat else None,
                    "runs_guest": g["runs"],
                    "kicks": g["kicks"],
                    "events": g["events"],
                    "wqes": g["wqes"],
                    "cqes": g["cqes"],
                    "engine_passes": g["engine_passes"],
                    "engine_sleeps": g["engine_sleeps"],
                    # a guest run that failed: its counters are in the JSON,
                    # but no per-post figure
                    "kicks_per_1k_posts": per1k(g["kicks"], g["wqes"]) if gv is not None else None,
                    "events_per_1k_posts": per1k(g["events"], g["wqes"]) if gv is not None else None,
                    "log_native": nat["log"] if nat else None,
                    "log_guest": g["log"],
                }
                points.append(p)

    def pt(test, size, side="guest"):
        for p in points:
            if p["test"] == test and p["size"] == size and p["side"] == side:
                return p
        return None

    def ratio(test, size, side="guest"):
        p = pt(test, size, side)
        return p["ratio"] if p else None

    def agg(kind, side="guest", min_size=0):
        k = e = w = 0
        n = 0
        for p in points:
            if p["kind"] != kind or p["side"] != side or p["size"] < min_size:
                continue
            if None in (p["kicks"], p["events"], p["wqes"]) or p["guest"] is None:
                continue
            k += p["kicks"]
            e += p["events"]
            w += p["wqes"]
            n += sum(1 for v in p["runs_guest"] if v is not None)
        return {"runs": n, "kicks": k, "events": e, "wqes": w,
                "kicks_per_run": (k / n) if n else None,
                "kicks_per_1k_posts": per1k(k, w) if n else None,
                "events_per_1k_posts": per1k(e, w) if n else None}

    lat8 = {t: ratio(t, 8) for t in LAT_TESTS}
    lat8_vals = [v for v in lat8.values() if v is not None]
    bw64 = {t: ratio(t, 65536) for t in BW_TESTS}
    bw64_vals = [v for v in bw64.values() if v is not None]
    bw_big = [p["ratio"] for p in points
              if p["kind"] == "bw" and p["side"] == "guest" and p["size"] >= BW_GOAL_FROM and p["ratio"] is not None]
    bw_load = agg("bw")
    lat_load = agg("lat")
    xk = None
    if kicks_row and kicks_row["status"] == "ok":
        xk = {
            "posts": inum(kicks_row["value"]) if kicks_row["value"] is not None else None,
            "wqes": kicks_row["wqes"],
            "kicks": kicks_row["kicks"],
            "events": kicks_row["events"],
            "engine_sleeps": kicks_row["engine_sleeps"],
            "kicks_per_1k_posts": per1k(kicks_row["kicks"], kicks_row["wqes"]),
            "events_per_1k_posts": per1k(kicks_row["events"], kicks_row["wqes"]),
            "log": kicks_row["log"],
        }

    lat_ratio_8B = max(lat8_vals) if lat8_vals else None
    bw_ratio_64KiB = min(bw64_vals) if bw64_vals else None
    kp1k = bw_load["kicks_per_1k_posts"]

    def met(v, ok):
        return None if v is None else bool(ok(v))

    goals = [
        {"goal": "8 B latency, guest/native (worse of ib_send_lat, ib_write_lat)",
         "target": f"<= {LAT_GOAL}", "value": lat_ratio_8B,
         "met": met(lat_ratio_8B, lambda v: v <= LAT_GOAL)},
        {"goal": "bandwidth, guest/native, every size >= 64 KiB (ib_write_bw, ib_send_bw)",
         "target": f">= {BW_GOAL}", "value": min(bw_big) if bw_big else None,
         "met": met(min(bw_big) if bw_big else None, lambda v: v >= BW_GOAL)},
        {"goal": "kicks per 1,000 posts under load (all guest bandwidth runs)",
         "target": f"<= {kicks_goal:g}", "value": kp1k,
         "met": met(kp1k, lambda v: v <= kicks_goal)},
    ]

    summary = {
        "lat_ratio_8B": lat_ratio_8B,
        "lat_ratio_8B_by_test": lat8,
        "bw_ratio_64KiB": bw_ratio_64KiB,
        "bw_ratio_64KiB_by_test": bw64,
        "bw_ratio_min_ge_64KiB": min(bw_big) if bw_big else None,
        "kicks_per_1k_posts": kp1k,
        "events_per_1k_posts": bw_load["events_per_1k_posts"],
        "kicks_per_1k_posts_source": "all guest bandwidth runs: sum of kicks * 1000 / sum of WQEs (backend counters)",
        "bw_runs_counters": bw_load,
        "lat_runs_counters": lat_load,
        "xenib_kicks": xk,
        "goals": goals,
        "method": {
            "native": "perftest server and client in Dom0 on rxe0",
            "guest": f"perftest client in {meta.get('guest')} on xenib0, server in Dom0 on rxe0",
            "g2g": (f"client in {meta.get('guest')}, server in {meta.get('peer')}, both on xenib0"
                    if meta.get("g2g") == "1" else None),
            "latency": "perftest -C (cycles), t_avg, divided by the client's cpu MHz from /proc/cpuinfo",
            "bandwidth": "BW average [MiB/sec] of the client",
            "ratio": "guest / native (latency: lower is better; bandwidth: higher is better)",
            "posts": "WQEs the backend took from the guest's queues (statistics/wqes delta)",
            "iters_lat": inum(meta.get("iters_lat")),
            "bw_mib_per_run": inum(meta.get("bw_mib")),
            "tries": inum(meta.get("tries")),
            "runs_per_point": reps,
            "aggregate": "median of the runs per point and side; counters summed over them",
        },
        "lab": {k: meta.get(k) for k in ("lab_run", "reused", "guest", "guest_domid", "peer", "peer_domid",
                                         "xen", "dom0_kernel", "dom0_vcpus", "perftest", "started",
                                         "duration_s", "host")},
        "cpu_mhz": {k[4:]: num(v) for k, v in meta.items() if k.startswith("mhz_")},
        "points": points,
        "retries_and_failures": failures,
        "not_measured": [f"{t} {human(sz)} {sd}" for (t, sz, sd), e in sorted(by.items()) if e["value"] is None]
        + ([] if xk else ["xenib-kicks"]),
    }
    (d / "bench-summary.json").write_text(json.dumps(summary, indent=2) + "\n")

    # ---- bench.md
    md = []
    w = md.append
    w("# xenib bench: guest vs native on the same rxe0")
    w("")
    w(f"Lab run `{meta.get('lab_run', '?')}`{' (reused)' if meta.get('reused') == '1' else ''}, "
      f"started {meta.get('started', '?')}, {meta.get('duration_s', '?')} s. "
      f"Xen {meta.get('xen', '?')}, Dom0 {meta.get('dom0_kernel', '?')} ({meta.get('dom0_vcpus', '?')} vCPUs), "
      f"perftest {meta.get('perftest', '?')}.")
    w(f"Native: server and client in Dom0 on `rxe0`. Guest: client in {meta.get('guest')} "
      f"(domid {meta.get('guest_domid')}) on `xenib0`, server in Dom0 on `rxe0`."
      + (f" g2g: client {meta.get('guest')}, server {meta.get('peer')}, both on `xenib0`." if meta.get("g2g") == "1" else ""))
    w(f"{reps} run(s) per point and side" + (" (the median counts)" if reps > 1 else "")
      + f"; latency runs {meta.get('iters_lat')} iterations, bandwidth runs {meta.get('bw_mib')} MiB "
      "(iters column). Ratio = guest / native. QEMU/TCG: absolute numbers mean little, compare ratios only "
      "(docs/bench.md).")
    w("")
    w("## Goals (reported, not asserted)")
    w("")
    w("| goal | target | measured | |")
    w("| --- | --- | --- | --- |")
    for g in goals:
        extra = ""
        if g["goal"].startswith("8 B"):
            extra = " (" + ", ".join(f"{t} {fmt(v, 3)}" for t, v in lat8.items()) + ")"
        elif g["goal"].startswith("kicks") and xk:
            extra = f" (xenib-kicks: {fmt(xk['kicks_per_1k_posts'])})"
        verdict = "not measured" if g["met"] is None else ("met" if g["met"] else "missed")
        w(f"| {g['goal']} | {g['target']} | {fmt(g['value'], 3)}{extra} | {verdict} |")
    w("")

    def table(kind, title, unit, better):
        w(f"## {title}")
        w("")
        w(f"{'t_avg' if kind == 'lat' else 'BW average'} in {unit}; ratio = guest / native, {better} is better. "
          "Kicks and events: backend counters during the guest run, per 1,000 WQEs posted by the guest.")
        w("")
        w(f"| test | size | iters | native {unit} | {'/'.join(sides)} {unit} | ratio | kicks/1k posts | events/1k posts | attempts (native/guest) |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for p in points:
            if p["kind"] != kind:
                continue
            side = "" if p["side"] == "guest" else f" ({p['side']})"
            att = f"{p['attempts_native'] or '-'}/{p['attempts_guest'] or '-'}"
            w(f"| {p['test']}{side} | {human(p['size'])} | {p['iters']} | {fmt(p['native'])} | {fmt(p['guest'])} | "
              f"{fmt(p['ratio'], 3)} | {fmt(p['kicks_per_1k_posts'])} | {fmt(p['events_per_1k_posts'])} | {att} |")
        w("")

    table("lat", "Latency", "us", "lower")
    table("bw", "Bandwidth", "MiB/s", "higher")
    w("## Kicks and events per operation")
    w("")
    w("Posts = WQEs the backend took from the guest's queues; kicks = notifications on the data "
      "event channel; events = event ring entries (perftest polls, so completion events are not "
      "expected). A run begins with the engine asleep, so every run costs a kick or a few at its "
      "start whatever its length; xenib-kicks (one long run) shows the steady state.")
    w("")
    w("| source | runs | WQEs | kicks | events | kicks/run | kicks/1k posts | events/1k posts |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, a in (("guest bandwidth runs (under load)", bw_load), ("guest latency runs (one op in flight)", lat_load)):
        w(f"| {name} | {a['runs']} | {a['wqes']} | {a['kicks']} | {a['events']} | {fmt(a['kicks_per_run'], 1)} | "
          f"{fmt(a['kicks_per_1k_posts'])} | {fmt(a['events_per_1k_posts'])} |")
    if xk:
        w(f"| xenib-kicks -n {kicks_row['iters']} -q 64 ({xk['posts']} posts) | 1 | {xk['wqes']} | {xk['kicks']} | "
          f"{xk['events']} | {xk['kicks']} | {fmt(xk['kicks_per_1k_posts'])} | {fmt(xk['events_per_1k_posts'])} |")
    else:
        w("| xenib-kicks | - | - | - | - | - | not measured | |")
    w("")
    if failures:
        w("## Retries and failures")
        w("")
        for f in failures:
            w(f"- {f}")
        w("")
    w("Files: `bench-summary.json`, `bench.png`, `results.tsv`, `raw/` (every run's output and counters).")
    (d / "bench.md").write_text("\n".join(md) + "\n")

    # ---- plot data: size, then one ratio column per series (NaN: none)
    ncols = {}
    xtics = {}
    for kind, tests, name in (("lat", LAT_TESTS, "plot-lat.dat"), ("bw", BW_TESTS, "plot-bw.dat")):
        series = [(t, s) for t in tests for s in sides]
        sizes = sorted({p["size"] for p in points if p["kind"] == kind})
        with open(d / name, "w") as f:
            f.write("size " + " ".join(f"{t}{'' if s == 'guest' else '-' + s}" for t, s in series) + "\n")
            for size in sizes:
                vals = []
                for t, s in series:
                    r = ratio(t, size, s)
                    vals.append("NaN" if r is None else f"{r:.4f}")
                f.write(f"{size} " + " ".join(vals) + "\n")
        ncols[kind] = 1 + len(series)
        xtics[kind] = ", ".join(f'"{human(s)}" {s}' for s in sizes)
        if sizes:
            xtics[kind + "_range"] = f"[{sizes[0] / 1.5}:{sizes[-1] * 1.5}]"
        else:
            xtics[kind + "_range"] = "[1:2]"
    (d / "plot-vars.gp").write_text(f"nlat = {ncols['lat']}\nnbw = {ncols['bw']}\n"
                                    f"lat_goal = {LAT_GOAL}\nbw_goal = {BW_GOAL}\n"
                                    f"lat_xtics = '({xtics['lat']})'\nbw_xtics = '({xtics['bw']})'\n"
                                    f"lat_xrange = '{xtics['lat_range']}'\nbw_xrange = '{xtics['bw_range']}'\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: report.py DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
