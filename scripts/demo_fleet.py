#!/usr/bin/env python3
"""make demo's fleet view: readable lines from the runner's log as it goes, and the summary.

  demo_fleet.py watch   RUNNER_LOG JOBS_FILE T0
  demo_fleet.py summary RUNNER_LOG JOBS_FILE COORDINATOR_URL EC2_URL FLEET

JOBS_FILE has one line per queued fleet job: "<id>\t<name>\t<queued at, epoch seconds>".
`watch` follows the log until it is killed; `summary` asks the coordinator for each job's
result, the emulator for each instance's life and price, and the host for the fleet's
network namespaces, and exits 1 unless nothing is left running.
"""
import json
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone

LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) (\w+)\s+(.*)$")


def log_time(stamp):
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()


def read_jobs(path):
    jobs = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    jobs[parts[0]] = {"name": parts[1], "queued": float(parts[2])}
    except FileNotFoundError:
        pass
    return jobs


def log_lines(path):
    """(epoch, message) of each log line of the runner."""
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                yield log_time(m.group(1)), m.group(3)


class Watcher:
    def __init__(self, jobs_path, t0):
        self.jobs_path = jobs_path
        self.t0 = t0
        self.jobs = {}
        self.instances = {}  # id -> {"market", "type", "zone", "launched"}
        self.lost = []  # instances taken back by EC2, not replaced yet

    def job(self, jid):
        if jid not in self.jobs:
            self.jobs = read_jobs(self.jobs_path)
            newest = max((int(j) for j in self.jobs), default=0)
            if jid not in self.jobs and int(jid) > newest:
                time.sleep(0.5)  # a job queued a moment ago: its line may not be written yet
                self.jobs = read_jobs(self.jobs_path)
        return self.jobs.get(jid)

    def where(self, iid):
        i = self.instances.get(iid)
        return "%s %s %s" % (i["market"], i["type"], i["zone"]) if i else "?"

    def say(self, at, text):
        print("  [%5.1fs] %s" % (at - self.t0, text), flush=True)

    def on(self, at, msg):
        m = re.match(r"runner \S+: (policy .*)$", msg)
        if m:
            return self.say(at, m.group(1))
        m = re.match(r"fleet \S+: launch (\d+): (.*)$", msg)
        if m:
            return self.say(at, "launch %s: %s" % (m.group(1), m.group(2)))
        m = re.match(r"aws: launched (spot|on-demand) instance (i-\w+) \(([^,]+), ([^)]+)\)", msg)
        if m:
            self.instances[m.group(2)] = {"market": m.group(1), "type": m.group(3), "zone": m.group(4), "launched": at}
            replaces = " (replaces %s)" % self.lost.pop(0) if self.lost else ""
            return self.say(at, "+ %s launched: %s%s" % (m.group(2), self.where(m.group(2)), replaces))
        m = re.match(r"fleet \S+: instance (i-\w+) is ready", msg)
        if m:
            i = self.instances.get(m.group(1))
            boot = " (%.1f s after launch)" % (at - i["launched"]) if i else ""
            return self.say(at, "  %s ready%s" % (m.group(1), boot))
        m = re.match(r"Job (\d+) runs on instance (i-\w+)", msg)
        if m and self.job(m.group(1)):
            j = self.job(m.group(1))
            return self.say(at, "> job %s %-15s on %s (%s), waited %.1f s" %
                            (m.group(1), j["name"], m.group(2), self.where(m.group(2)), at - j["queued"]))
        m = re.match(r"aws: instance (i-\w+) has a spot interruption notice", msg)
        if m:
            return self.say(at, "! %s has a spot interruption notice: it takes no more jobs" % m.group(1))
        m = re.match(r"fleet \S+: job (\d+) lost its instance: (.*)$", msg)
        if m and self.job(m.group(1)):
            return self.say(at, "x job %s %s lost its instance: %s" % (m.group(1), self.job(m.group(1))["name"], m.group(2)))
        m = re.match(r"Job (\d+) (success|failed|canceled)(?: \((\w+)\))?", msg)
        if m and self.job(m.group(1)):
            mark = "<" if m.group(2) == "success" else "x"
            why = " (%s)" % m.group(3) if m.group(3) else ""
            return self.say(at, "%s job %s %-15s %s%s" % (mark, m.group(1), self.job(m.group(1))["name"], m.group(2), why))
        m = re.match(r"aws: spot instance (i-\w+) was reclaimed \((.*)\)", msg)
        if m:
            self.lost.append(m.group(1))
            return self.say(at, "- %s reclaimed by EC2 (%s)" % (m.group(1), m.group(2)))
        m = re.match(r"fleet \S+: remove (i-\w+): (.*)$", msg)
        if m:
            return self.say(at, "- %s removed: %s" % (m.group(1), m.group(2)))
        m = re.match(r"fleet \S+: (keep i-.*)$", msg)
        if m:
            return self.say(at, "= " + m.group(1))
        m = re.match(r"fleet \S+: (shutdown: .*)$", msg)
        if m:
            return self.say(at, m.group(1))


def watch(log_path, jobs_path, t0):
    w = Watcher(jobs_path, t0)
    pending = ""
    f = None
    deadline = time.time() + 30
    while f is None:
        try:
            f = open(log_path, errors="replace")
        except FileNotFoundError:
            if time.time() > deadline:
                sys.exit("demo: no runner log at " + log_path)
            time.sleep(0.1)
    while True:
        chunk = f.readline()
        if not chunk:
            time.sleep(0.1)
            continue
        pending += chunk
        if not pending.endswith("\n"):
            continue
        m = LINE.match(pending.rstrip("\n"))
        pending = ""
        if m:
            w.on(log_time(m.group(1)), m.group(3))


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def percentile(values, p):
    """Nearest rank."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def namespaces(fleet):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith("sr-%s-" % fleet)]


def summary(log_path, jobs_path, coord, ec2, fleet):
    jobs = read_jobs(jobs_path)
    placed = {}
    for at, msg in log_lines(log_path):
        m = re.match(r"Job (\d+) runs on instance (i-\w+)", msg)
        if m and m.group(1) in jobs and m.group(1) not in placed:
            placed[m.group(1)] = at
    outcomes = {}
    for jid in jobs:
        j = get_json("%s/admin/jobs/%s" % (coord, jid))
        key = j["state"] + (" (%s)" % j["failure_reason"] if j.get("failure_reason") else "")
        outcomes[key] = outcomes.get(key, 0) + 1
    waits = [placed[j] - jobs[j]["queued"] for j in jobs if j in placed]

    # Instances go shutting-down -> terminated once their namespace is gone: allow a moment.
    deadline = time.time() + 30
    while True:
        instances = get_json(ec2 + "/admin/instances")
        alive = [i for i in instances if i["state"] in ("pending", "running", "shutting-down")]
        if not alive or time.time() > deadline:
            break
        time.sleep(0.5)
    spot = sum(1 for i in instances if i["spot"])
    secs = sum(i["billed_seconds"] for i in instances)
    cost = sum(i["billed_seconds"] / 3600 * i["hourly_price"] for i in instances)
    on_demand = sum(i["billed_seconds"] / 3600 * i["on_demand_price"] for i in instances)
    left_ns = namespaces(fleet)

    print("== summary")
    print("   jobs:       %d queued: %s" % (len(jobs), ", ".join("%d %s" % (n, k) for k, n in sorted(outcomes.items(), key=lambda kv: -kv[1]))))
    if waits:
        print("   waits:      p50 %.1f s, p95 %.1f s (queued until on an instance, %d jobs)" %
              (percentile(waits, 50), percentile(waits, 95), len(waits)))
    print("   instances:  %d launched (%d spot, %d on-demand), %.0f instance-seconds" %
          (len(instances), spot, len(instances) - spot, secs))
    saved = " (%.0f%% less)" % (100 * (1 - cost / on_demand)) if on_demand > 0 else ""
    print("   cost:       $%.5f at the emulator's spot prices; $%.5f at its on-demand prices%s" % (cost, on_demand, saved))
    if alive or left_ns:
        print("   LEFT BEHIND: %d instance(s) %s, %d network namespace(s) %s" %
              (len(alive), [i["id"] + " " + i["state"] for i in alive], len(left_ns), left_ns))
        return 1
    print("   0 instances left (the emulator lists %d, all terminated; no network namespace of the fleet remains)" %
          len(instances))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "watch":
        watch(argv[2], argv[3], float(argv[4]))
        return 0
    if len(argv) == 7 and argv[1] == "summary":
        return summary(*argv[2:7])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
