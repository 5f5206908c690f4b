#!/usr/bin/env bash
# A production start, measured: build here, copy what a production install ships (package.json, the lock
# file, bin/, dist/, config/) to an empty temp folder, `npm ci --omit=dev` there, start the gateway with
# `node --max-old-space-size=640 bin/sintech.js start` on free ports, wait for /health, then stop it with one SIGTERM to that one
# process, as a service manager does. Prints the figures; exits non-zero on any failure.
# Usage: npm run production-start   (KEEP=1 keeps the temp folder; SKIP_BUILD=1 reuses dist/)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sintech-production-XXXXXX")"
APP="$WORK/app"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" || true; fi
  if [ "${KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

t0=$(now)
if [ "${SKIP_BUILD:-0}" != "1" ]; then (cd "$ROOT" && npm run -s build); fi
t1=$(now)

mkdir -p "$APP"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$APP/"
cp -R "$ROOT/bin" "$ROOT/dist" "$ROOT/config" "$APP/"
(cd "$APP" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
t2=$(now)
for dev in hardhat ts-node typescript typechain mocha; do
  if [ -e "$APP/node_modules/$dev" ]; then echo "production-start: dev dependency $dev was installed" >&2; exit 1; fi
done
[ ! -e "$APP/src" ] || { echo "production-start: sources were copied" >&2; exit 1; }

PORT=$(free_port)
ANVIL_PORT=$(free_port)
mkdir -p "$WORK/data"
t3=$(now)
(cd "$APP" && exec env -i PATH="$PATH" HOME="$WORK" DATA_DIR="$WORK/data" PORT="$PORT" \
  SINTECH_ANVIL_PORT="$ANVIL_PORT" LOG_LEVEL=warn node --max-old-space-size=640 bin/sintech.js start >"$WORK/start.log" 2>&1) &
PID=$!
health=""
for _ in $(seq 1 600); do
  if health=$(curl -sf "http://127.0.0.1:$PORT/health" 2>/dev/null); then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then cat "$WORK/start.log" >&2; echo "production-start: the gateway exited" >&2; exit 1; fi
  sleep 0.2
done
[ -n "$health" ] || { cat "$WORK/start.log" >&2; echo "production-start: /health never answered" >&2; exit 1; }
t4=$(now)
echo "$health" | grep -q '"status":"ok"' || { echo "production-start: unhealthy: $health" >&2; exit 1; }

kill -TERM "$PID"
code=0
wait "$PID" || code=$?
PID=""
t5=$(now)
[ "$code" = "0" ] || { cat "$WORK/start.log" >&2; echo "production-start: exit code $code after SIGTERM" >&2; exit 1; }
if curl -s "http://127.0.0.1:$ANVIL_PORT" >/dev/null 2>&1; then
  echo "production-start: the embedded chain still answers after the stop" >&2
  exit 1
fi
grep -q "Stopping" "$WORK/start.log" || { echo "production-start: no clean stop in the log" >&2; exit 1; }

echo "production-start: OK"
echo "  build (npm run build)            $(seconds "$t0" "$t1") s"
echo "  npm ci --omit=dev                $(seconds "$t1" "$t2") s, node_modules $(du -sh "$APP/node_modules" | cut -f1), $(cd "$APP" && npm ls --all --parseable 2>/dev/null | tail -n +2 | wc -l) packages"
echo "  dist/                            $(du -sh "$APP/dist" | cut -f1)"
echo "  start to /health (fresh data)    $(seconds "$t3" "$t4") s   $health"
echo "  SIGTERM to exit                  $(seconds "$t4" "$t5") s, exit code $code"
