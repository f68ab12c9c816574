#!/usr/bin/env python3
"""bench/rss_run.py -- run a command, sample the resident memory of it and
its children, and report wall time and memory over time.

    rss_run.py OUT_JSON STDOUT_FILE -- COMMAND...

Every 0.2 s the RSS of the process and all its descendants (from /proc) is
summed.  OUT_JSON gets {"wall", "status", "peak_kib", "samples": [[t, kib], ...]}.
"""
import json
import os
import subprocess
import sys
import time


def children_map():
    kids = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            kids.setdefault(int(parts[1]), []).append(int(pid))
        except (OSError, IndexError):
            pass
    return kids


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(root):
    kids = children_map()
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss_kib(p)
        todo.extend(kids.get(p, []))
    return total


def main():
    out_json, out_file = sys.argv[1], sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    t0 = time.monotonic()
    with open(out_file, "wb") as out:
        p = subprocess.Popen(cmd, stdout=out)
        samples = []
        while p.poll() is None:
            samples.append([round(time.monotonic() - t0, 2), tree_rss(p.pid)])
            time.sleep(0.2)
    wall = time.monotonic() - t0
    peak = max([s[1] for s in samples] or [0])
    with open(out_json, "w") as f:
        json.dump({"wall": wall, "status": p.returncode, "peak_kib": peak,
                   "samples": samples}, f)
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
