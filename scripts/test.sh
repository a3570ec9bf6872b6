#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine or a developer's: installs or starts what the tests need
# (npm packages, the web interface build, nginx, Docker with Swarm, PostgreSQL, Redis, RabbitMQ, chromium, pebble, the
# OpenSSH client and sshpass), builds the components (npm run build: some e2e tests run the built programs), then runs
# lint + typecheck and every Vitest project.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup-host.sh --npm --web --nginx --docker --postgres --redis --rabbitmq --database-tools --browser --acme --ssh
# A fresh Debian PostgreSQL asks for a password over TCP; the test helper uses this URL when set.
if [ -z "${DIRECTOR_TEST_DATABASE_URL:-}" ] && ! psql -h 127.0.0.1 -U postgres -w -c 'select 1' postgres >/dev/null 2>&1; then
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  export DIRECTOR_TEST_DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
fi
npm run --silent check
node scripts/build.mjs >/dev/null
mkdir -p .vitest
status=0
npx vitest run --project unit --project integration --project e2e \
  --reporter=default --reporter=json --outputFile=.vitest/results.json "$@" || status=$?
# The closing line in the plain form CI reads: "tests: N passed, N failed, N skipped".
node -e '
  const r = JSON.parse(require("fs").readFileSync(".vitest/results.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
