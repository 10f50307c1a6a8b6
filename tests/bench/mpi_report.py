#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""mpi_report.py DIR : mpi.md, mpi-summary.json and netpipe.dat from the raw
outputs tests/bench/mpi.sh wrote in DIR/raw.  Ratios are guest / native."""
import json
import re
import sys
from pathlib import Path

NP = re.compile(r"^\s*\d+:\s+(\d+) bytes\s+(\d+) times -->\s+([\d.]+) Mbps in\s+([\d.]+) usec")
HPCC_KEYS = [
    ("HPL_Tflops", "HPL (Tflop/s)", True),
    ("PTRANS_GBs", "PTRANS (GB/s)", True),
    ("MPIRandomAccess_GUPs", "MPIRandomAccess (GUP/s)", True),
    ("MPIFFT_Gflops", "MPIFFT (Gflop/s)", True),
    ("StarDGEMM_Gflops", "StarDGEMM (Gflop/s)", True),
    ("RandomlyOrderedRingLatency_usec", "random ring latency (us)", False),
    ("RandomlyOrderedRingBandwidth_GBytes", "random ring bandwidth (GB/s)", True),
    ("MinPingPongLatency_usec", "min ping-pong latency (us)", False),
    ("MaxPingPongBandwidth_GBytes", "max ping-pong bandwidth (GB/s)", True),
]


def netpipe(raw, name):
    rows = {}
    reps = 0
    p = raw / f"{name}.out"
    if not p.exists():
        return rows, 0
    for line in p.read_text(errors="replace").splitlines():
        m = NP.match(line)
        if m:
            size, times, mbps, usec = int(m[1]), int(m[2]), float(m[3]), float(m[4])
            rows[size] = (mbps, usec)
            reps += times
    return rows, reps


def hpcc(raw, name):
    p = raw / f"{name}.hpccoutf.txt"
    out = {}
    if not p.exists():
        return None
    text = p.read_text(errors="replace")
    m = re.search(r"Begin of Summary section\.(.*)End of Summary section", text, re.S)
    if not m:
        return None
    for line in m[1].splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    out["_verified"] = out.get("Success") == "1" and "FAILED" not in text
    return out


def ratio(g, n):
    try:
        return float(g) / float(n) if float(n) else None
    except (TypeError, ValueError):
        return None


def fmt(v, d=3):
    return "n/a" if v is None else f"{v:.{d}g}"


def main(d):
    d = Path(d)
    raw = d / "raw"
    np_ = {p: netpipe(raw, f"netpipe-{p}") for p in ("native", "guest", "guest-dom0")}
    summ = {"netpipe": {}, "hpcc": {}, "counters": {}}
    lines = ["# MPI over xenib0 against rxe0 (make bench-mpi)", "",
             "Open MPI 5 + UCX (pml ucx, rc_verbs + ud_verbs, no shared memory). native: both",
             "ranks in Dom0 on rxe0; guest: one rank in each of two guests on xenib0; guest-dom0:",
             "one rank in a guest, one native in Dom0.  QEMU/TCG: only the ratios mean anything.", ""]
    lines += ["## NetPIPE (NPopenmpi)", "",
              "| placement | 8 B latency (us) | ratio | 1 MiB bandwidth (Mbps) | ratio |",
              "|---|--:|--:|--:|--:|"]
    nat = np_["native"][0]
    for p in ("native", "guest", "guest-dom0"):
        rows = np_[p][0]
        lat = rows.get(8, (None, None))[1]
        bw = rows.get(1048576, (None, None))[0]
        rl = ratio(lat, nat.get(8, (None, None))[1]) if p != "native" else 1.0
        rb = ratio(bw, nat.get(1048576, (None, None))[0]) if p != "native" else 1.0
        summ["netpipe"][p] = {"lat_8B_us": lat, "bw_1MiB_Mbps": bw,
                              "lat_ratio": rl, "bw_ratio": rb}
        lines.append(f"| {p} | {fmt(lat)} | {fmt(rl)} | {fmt(bw)} | {fmt(rb)} |")
    # kicks and events per 1,000 messages of the guest NetPIPE run
    c = raw / "netpipe-guest.counters"
    if c.exists():
        v = [int(x) for x in c.read_text().split()]
        k, e, w = v[3] - v[0], v[4] - v[1], v[5] - v[2]
        msgs = 2 * np_["guest"][1]
        summ["counters"] = {"messages": msgs, "kicks": k, "events": e, "wqes": w,
                            "kicks_per_1k_msgs": 1000.0 * k / msgs if msgs else None,
                            "events_per_1k_msgs": 1000.0 * e / msgs if msgs else None}
        lines += ["", f"Guest NetPIPE run: {msgs} messages (2 per round trip), {w} WQEs, "
                  f"{k} kicks ({fmt(summ['counters']['kicks_per_1k_msgs'])} per 1,000 messages), "
                  f"{e} events ({fmt(summ['counters']['events_per_1k_msgs'])} per 1,000)."]
    lines += ["", "## HPC Challenge (hpcc)", ""]
    for n in (2, 4):
        nat_h, gst_h = hpcc(raw, f"hpcc{n}-native"), hpcc(raw, f"hpcc{n}-guest")
        lines += [f"### {n} ranks", "",
                  f"verification (hpcc's own): native {'passed' if nat_h and nat_h['_verified'] else 'FAILED or missing'}, "
                  f"guest {'passed' if gst_h and gst_h['_verified'] else 'FAILED or missing'}", "",
                  "| figure | native | guest | guest/native |", "|---|--:|--:|--:|"]
        s = {"verified_native": bool(nat_h and nat_h["_verified"]),
             "verified_guest": bool(gst_h and gst_h["_verified"])}
        for key, label, _higher in HPCC_KEYS:
            a = nat_h.get(key) if nat_h else None
            b = gst_h.get(key) if gst_h else None
            r = ratio(b, a)
            s[key] = {"native": a, "guest": b, "ratio": r}
            lines.append(f"| {label} | {a or 'n/a'} | {b or 'n/a'} | {fmt(r)} |")
        summ["hpcc"][f"{n}_ranks"] = s
        lines.append("")
    g = summ["netpipe"].get("guest", {})
    h2 = summ["hpcc"].get("2_ranks", {}).get("HPL_Tflops", {})
    lines += ["## Goals (reported, never asserted)", "",
              f"- 8 B latency guest/native <= 1.10: {fmt(g.get('lat_ratio'))}",
              f"- 1 MiB bandwidth guest/native >= 0.95: {fmt(g.get('bw_ratio'))}",
              f"- HPL (2 ranks) guest/native >= 0.95: {fmt(h2.get('ratio'))}", ""]
    summ["goals"] = {"lat_8B_ratio": g.get("lat_ratio"), "bw_1MiB_ratio": g.get("bw_ratio"),
                     "hpl_2_ranks_ratio": h2.get("ratio")}
    (d / "mpi-summary.json").write_text(json.dumps(summ, indent=2) + "\n")
    (d / "mpi.md").write_text("\n".join(lines) + "\n")
    with open(d / "netpipe.dat", "w") as f:
        f.write("size native_us guest_us guest-dom0_us native_Mbps guest_Mbps guest-dom0_Mbps\n")
        for size in sorted(nat):
            vals = [np_[p][0].get(size) for p in ("native", "guest", "guest-dom0")]
            us = ["NaN" if v is None else v[1] for v in vals]
            mb = ["NaN" if v is None else v[0] for v in vals]
            f.write(" ".join(str(x) for x in [size] + us + mb) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
