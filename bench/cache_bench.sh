#!/usr/bin/env bash
# Cache transfer benchmark: `spotrunner helper cache-archiver` (archive + upload) and
# `cache-extractor` (download + extract) against s3rver on 127.0.0.1, compared with
# `zip -r` + `curl -T` and `curl -o` + `unzip` of the same data to the same server.
# Two data sets: a tree of 20,000 small files and one 500 MB file. Prints seconds and the
# ratio ours/baseline (below 1.0 = faster than the tools).
# Usage: cache_bench.sh [BUILD_DIR]   (default: build); SR_BENCH_BIG_MB overrides 500.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bin=$build/spotrunner
big_mb=${SR_BENCH_BIG_MB:-500}
[[ -x $bin ]] || { echo "cache_bench: $bin is missing (build the spotrunner target)" >&2; exit 1; }
for t in zip unzip curl; do command -v $t >/dev/null || { echo "cache_bench: $t is missing (make deps)" >&2; exit 1; }; done
s3rver=$root/node_modules/.bin/s3rver
[[ -x $s3rver ]] || bash "$root/scripts/npm_deps.sh" >/dev/null

work=$(mktemp -d /var/tmp/sr-cache-bench.XXXXXX)
pid=""
cleanup() {
  rm -rf "$work"
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

mkdir -p "$work/s3"
"$s3rver" -d "$work/s3" -a 127.0.0.1 -p 0 --configure-bucket bench >"$work/s3rver.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 150); do
  port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/s3rver.log")
  [[ -n $port ]] && break
  sleep 0.2
done
[[ -n $port ]] || { echo "cache_bench: s3rver did not start" >&2; exit 1; }
base=http://127.0.0.1:$port/bench
# Warm s3rver up (its first requests are slow), so that whichever side runs first is not
# charged for it.
head -c 1M /dev/urandom >"$work/warm.bin"
for i in 1 2 3; do
  curl -sSf -T "$work/warm.bin" "$base/warm$i" >/dev/null
  curl -sSf -o /dev/null "$base/warm$i"
done

echo "cache_bench: making the data sets (20000 small files; one ${big_mb} MB file)"
mkdir -p "$work/small/tree" "$work/big/tree"
python3 - "$work/small/tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
words = [("w%05d" % i).encode() for i in range(5000)]
for d in range(200):
    dd = os.path.join(root, "pkg%03d" % d)
    os.makedirs(dd)
    for f in range(100):
        n = rnd.randint(20, 400)
        with open(os.path.join(dd, "f%03d.txt" % f), "wb") as fh:
            fh.write(b" ".join(rnd.choice(words) for _ in range(n)))
PY
# Half random, half repetitive: compression does real work on both kinds.
{ head -c $((big_mb / 2))M /dev/urandom; head -c $((big_mb - big_mb / 2))M < <(yes "cache benchmark line of text"); } >"$work/big/tree/blob.bin"
sync

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

run_set() {
  local name=$1 dir=$2
  local t0 t1 t2 t3 t4 t5 t6 t7
  rm -rf "$work/out"; mkdir -p "$work/out/ours" "$work/out/tools"
  t0=$(now)
  (cd "$dir" && "$bin" helper cache-archiver --file "$work/out/ours.zip" --path tree --url "$base/$name-ours" >/dev/null)
  t1=$(now)
  (cd "$work/out/ours" && "$bin" helper cache-extractor --file "$work/out/ours-dl.zip" --url "$base/$name-ours" >/dev/null)
  t2=$(now)
  (cd "$dir" && zip -qr "$work/out/tools.zip" tree && curl -sSf -T "$work/out/tools.zip" "$base/$name-tools" >/dev/null)
  t3=$(now)
  (curl -sSf -o "$work/out/tools-dl.zip" "$base/$name-tools" && unzip -qo "$work/out/tools-dl.zip" -d "$work/out/tools")
  t4=$(now)
  diff -rq "$dir/tree" "$work/out/ours/tree" >/dev/null || { echo "cache_bench: $name: extracted tree differs" >&2; exit 1; }
  local up_ours up_tools down_ours down_tools
  up_ours=$(secs "$t0" "$t1"); down_ours=$(secs "$t1" "$t2")
  up_tools=$(secs "$t2" "$t3"); down_tools=$(secs "$t3" "$t4")
  printf '%-12s archive+upload   ours %6ss  zip+curl   %6ss  ratio %s  (archive %s MB vs %s MB)\n' "$name" \
    "$up_ours" "$up_tools" "$(ratio "$up_ours" "$up_tools")" \
    $(($(stat -c %s "$work/out/ours.zip") / 1048576)) $(($(stat -c %s "$work/out/tools.zip") / 1048576))
  printf '%-12s download+extract ours %6ss  curl+unzip %6ss  ratio %s\n' "$name" \
    "$down_ours" "$down_tools" "$(ratio "$down_ours" "$down_tools")"
}

run_set small-files "$work/small"
run_set big-file "$work/big"
