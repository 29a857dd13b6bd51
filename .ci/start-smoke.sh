#!/usr/bin/env bash
# `npm start` with no configuration must serve the sample on the embedded emulator: start it,
# wait for GET /health to say "up", check that /docs serves Swagger UI, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SMOKE_PORT:-3917}
log=$(mktemp)
PORT=$port setsid npm start >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || kill $pid 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  if body=$(curl -fsS "http://127.0.0.1:$port/health" 2>/dev/null); then
    echo "GET /health -> $body"
    grep -q '"status":"ok"' <<<"$body" || { cat "$log"; exit 1; }
    # The page to try every send from, with its OpenAPI document.
    curl -fsS "http://127.0.0.1:$port/docs" | grep -q 'swagger-ui' || { cat "$log"; exit 1; }
    curl -fsS "http://127.0.0.1:$port/docs-json" | grep -q '"SendSmsDto"' || { cat "$log"; exit 1; }
    echo "GET /docs -> Swagger UI"
    echo "npm start smoke check: 2 passed, 0 failed"
    exit 0
  fi
  if ! kill -0 $pid 2>/dev/null; then cat "$log"; exit 1; fi
  sleep 1
done
cat "$log"
echo "npm start did not answer /health in time"
exit 1
