#!/usr/bin/env bash
# The package as two teams get it: `npm pack`, then installed (with no --legacy-peer-deps) into a
# Nest 11 CommonJS app (ts-jest's default preset) and a Nest 12 ES module app (Jest in ES module
# mode). Each app is type-checked, runs its Jest suite (WebcomService mocked, and
# WebcomTestingModule; the Nest 11 app also the queue on @nestjs/bullmq 11 and bullmq 5, against
# the Redis at REDIS_URL) and boots on `sandbox: true` to send one SMS. The apps are copied out of
# the repository, so their node_modules never meet the root's tools; npm's cache is shared.
# Needs a build (dist/): `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

work=$(mktemp -d "${TMPDIR:-/tmp}/webcom-compat-XXXXXX")
# Deleting two node_modules takes a while on a busy machine: it need not hold up the job.
trap '(rm -rf "$work" &)' EXIT
start=$SECONDS

npm pack --silent --ignore-scripts --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/nestjs-webcom-*.tgz)

# One app, start to end; its output goes to $work/<app>.log.
check_app() {
  local app=$1 t=$SECONDS
  phase() { echo "$app: $1 $((SECONDS - t)) s" >>"$work/timings"; t=$SECONDS; }
  cp -r "$root/test/compat/$app" "$work/$app"
  cd "$work/$app"
  # The app's own lockfile (without this package, whose tarball changes with every build) makes
  # the install quick and the same on every run; then the tarball is added as a team adds it,
  # peers checked (legacy peer deps explicitly off).
  export npm_config_legacy_peer_deps=false
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error "$tarball"
  phase install
  npm run --silent typecheck
  phase typecheck
  npm test --silent
  phase jest
  npm run --silent build
  node dist/main.js 2>&1 | tee boot.log
  phase boot
  grep -q '^compat: sent SMS 1$' boot.log
  # Booted on the sandbox, it says so; one copy of the package, whatever the module system.
  grep -q 'sandbox' boot.log
  if grep -q 'loaded twice' boot.log; then exit 1; fi
}

failed=0
pids=()
apps=(nest11-cjs nest12-esm)
for app in "${apps[@]}"; do
  (check_app "$app") >"$work/$app.log" 2>&1 &
  pids+=($!)
done
for i in "${!apps[@]}"; do
  if wait "${pids[$i]}"; then
    echo "compat ${apps[$i]}: ok"
  else
    failed=1
    echo "compat ${apps[$i]}: FAILED"
    cat "$work/${apps[$i]}.log"
  fi
done
cat "$work/timings"
echo "compat apps: $((SECONDS - start)) s"
exit $failed
