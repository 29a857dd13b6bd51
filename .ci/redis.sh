#!/usr/bin/env bash
# Makes sure a Redis server answers at REDIS_URL (default redis://127.0.0.1:6379) for the queue
# tests. Where none does, installs Debian's redis-server if it is missing and starts one on
# 127.0.0.1:6379, in memory only. Exits non-zero when REDIS_URL still does not answer.
set -euo pipefail

REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

authority="${REDIS_URL#*://}"
authority="${authority##*@}"
authority="${authority%%/*}"
host="${authority%:*}"
port="${authority##*:}"
if [[ "$port" == "$authority" ]]; then port=6379; fi
host="${host#[}"
host="${host%]}"

# Any reply to PING (+PONG, or -NOAUTH from a server that wants a password) means a server answers.
redis_answers() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "PING\r\n" >&3
    IFS= read -r reply <&3 || exit 1
    [[ "$reply" == [+-]* ]]
  ' _ "$host" "$port" 2>/dev/null
}

if redis_answers; then
  echo "redis: answering at $host:$port"
  exit 0
fi

echo "redis: nothing answers at $host:$port; starting a local server"
if ! command -v redis-server >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
fi
# The package may have started its own service; start ours only where none answers yet.
if ! redis_answers; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no ||
    echo "redis: redis-server did not start" >&2
fi

for _ in $(seq 1 50); do
  if redis_answers; then
    echo "redis: answering at $host:$port"
    exit 0
  fi
  sleep 0.2
done
echo "redis: still nothing answers at $host:$port (REDIS_URL=$REDIS_URL)" >&2
exit 1
