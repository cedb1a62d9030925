#!/usr/bin/env bash
# Installs the package built by `make deb` on this machine, checks it, then purges it:
# packaging/test-deb.sh [BUILD_DIR]. Needs root; bounded (each apt-get at most 5 min, the rest
# seconds). Leaves no /usr/bin/spotrunner behind; refuses to run when a spotrunner package or
# /usr/bin/spotrunner is already there (not ours).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
deb=$(ls -t "$build"/spotrunner_*.deb 2>/dev/null | head -n1)
[[ -n "$deb" ]] || { echo "test-deb: no $build/spotrunner_*.deb; run make deb first" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "test-deb: installing a package needs root" >&2; exit 1; }
if dpkg-query -W -f='${Status}' spotrunner 2>/dev/null | grep -q "install ok installed" || [[ -e /usr/bin/spotrunner ]]; then
  echo "test-deb: spotrunner is already installed here; not touching it" >&2
  exit 1
fi
command -v node >/dev/null || { echo "test-deb: node is needed to read the JSON log (scripts/deps.sh installs it)" >&2; exit 1; }
# Purging removes /etc/spotrunner and /var/lib/spotrunner (the local provider's default state
# lives there too, e.g. from the integration tests): what is there is moved aside for the
# test and put back at the end, whatever happens.
saved=()
for d in /etc/spotrunner /var/lib/spotrunner; do
  if [[ -e $d ]]; then
    [[ ! -e $d.deb-test-saved ]] || { echo "test-deb: $d.deb-test-saved exists (an earlier run was killed?); put it back first" >&2; exit 1; }
    mv "$d" "$d.deb-test-saved"
    saved+=("$d")
  fi
done

export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d)
runner_pid=""
cleanup() {
  [[ -n "$runner_pid" ]] && kill -KILL "$runner_pid" 2>/dev/null || true
  timeout 300 apt-get -o DPkg::Lock::Timeout=120 purge -y -qq spotrunner >/dev/null 2>&1 || true
  rm -rf "$work"
  for d in "${saved[@]}"; do rm -rf "$d" && mv "$d.deb-test-saved" "$d"; done
}
trap cleanup EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
ok() { echo "test-deb: ok: $*"; }

echo "test-deb: $deb ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb -f "$deb" Depends | sed 's/^/test-deb: Depends: /'
timeout 300 apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log" >&2; fail "apt-get install $deb"; }
ok "apt-get install ./$(basename "$deb")"

version=$(dpkg-deb -f "$deb" Version)
got=$(timeout 10 spotrunner --version) || fail "spotrunner --version exited $?"
[[ "$got" == "spotrunner $version "* ]] || fail "spotrunner --version said: $got"
ok "spotrunner --version: $got"

[[ $(stat -c '%a %U' /etc/spotrunner/config.toml) == "600 root" ]] ||
  fail "/etc/spotrunner/config.toml is $(stat -c '%a %U' /etc/spotrunner/config.toml), want 600 root"
timeout 10 spotrunner list --config /etc/spotrunner/config.toml >/dev/null 2>&1 || fail "the default config.toml does not load"
ok "/etc/spotrunner/config.toml created 0600 and loads"

verify=$(timeout 60 systemd-analyze verify /lib/systemd/system/spotrunner.service 2>&1) || fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify complains: $verify"
ok "systemd-analyze verify /lib/systemd/system/spotrunner.service: no complaints"

[[ -s /usr/share/man/man1/spotrunner.1.gz ]] || fail "no manual page"
ok "manual page installed"

tar -xOf /usr/share/spotrunner/helper-image.tar manifest.json 2>/dev/null | grep -q '"spotrunner-helper:local"' ||
  fail "/usr/share/spotrunner/helper-image.tar is missing or does not carry spotrunner-helper:local"
ok "helper image archive installed ($(du -k /usr/share/spotrunner/helper-image.tar | cut -f1) KiB)"

# An upgrade (here: the same package again) keeps the administrator's config.toml.
echo "# edited by the administrator" >> /etc/spotrunner/config.toml
timeout 300 apt-get -o DPkg::Lock::Timeout=120 install -y -qq --reinstall "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "reinstall"; }
grep -q "edited by the administrator" /etc/spotrunner/config.toml || fail "reinstalling replaced config.toml"
ok "reinstall keeps config.toml"

# The service commands: the package's unit already exists; without systemd they say so.
set +e
out=$(spotrunner install --user root 2>&1); rc=$?
set -e
[[ $rc == 1 && "$out" == *"already installed by a package"* ]] || fail "install over the packaged unit: exit $rc: $out"
ok "install over the packaged unit refused: $out"
if [[ ! -d /run/systemd/system ]]; then
  set +e
  out=$(spotrunner start 2>&1); rc=$?
  set -e
  [[ $rc == 3 && "$out" == *"systemd is not running on this machine"* ]] || fail "start without systemd: exit $rc: $out"
  ok "start without systemd: exit 3: $out"
fi

# log_format = "json" in config.toml: every line of the process log is a logrus JSON object.
printf 'concurrent = 1\nlog_format = "json"\nlog_level = "debug"\n' > "$work/config.toml"
spotrunner run --config "$work/config.toml" --working-directory "$work" 2>"$work/run.log" &
runner_pid=$!
for _ in $(seq 1 100); do [[ -s "$work/run.log" ]] && break; sleep 0.1; done
kill -QUIT "$runner_pid"
for _ in $(seq 1 100); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$runner_pid" 2>/dev/null && fail "spotrunner run did not stop within 10 s of SIGQUIT"
wait "$runner_pid" || fail "spotrunner run exited $? after SIGQUIT"
pid=$runner_pid
runner_pid=""
node - "$work/run.log" "$pid" <<'JS' || fail "the log is not logrus JSON: $(cat "$work/run.log")"
const lines = require("fs").readFileSync(process.argv[2], "utf8").split("\n").filter((l) => l !== "");
if (lines.length === 0) throw new Error("no log lines");
const objects = lines.map((l) => JSON.parse(l));
for (const o of objects) {
  for (const k of ["level", "msg", "time"]) if (!(k in o)) throw new Error("no " + k + ": " + JSON.stringify(o));
  if (!["debug", "info", "warning", "error", "fatal"].includes(o.level)) throw new Error("level " + o.level);
}
const stopped = objects.find((o) => o.msg === "spotrunner stopped");
if (!stopped || stopped.pid !== Number(process.argv[3])) throw new Error("no stop line with its pid as a number");
JS
ok "run with log_format = \"json\": $(wc -l < "$work/run.log") JSON lines, e.g. $(head -n1 "$work/run.log")"

timeout 300 apt-get -o DPkg::Lock::Timeout=120 purge -y -qq spotrunner >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get purge"; }
[[ ! -e /usr/bin/spotrunner ]] || fail "/usr/bin/spotrunner is still there after purge"
[[ ! -e /etc/spotrunner ]] || fail "/etc/spotrunner is still there after purge"
[[ ! -e /lib/systemd/system/spotrunner.service ]] || fail "the unit is still there after purge"
ok "apt-get purge spotrunner removed the binary, the unit and /etc/spotrunner"
echo "test-deb: PASS"
