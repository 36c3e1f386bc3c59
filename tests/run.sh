#!/usr/bin/env bash
# Runs the suite; pytest's "no tests ran" (exit 5) is a failure here, as it is in CI.
set -uo pipefail
cd "$(dirname "$0")/.."
export ANONYMIZED_TELEMETRY=False
.venv/bin/pytest -q "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "no tests ran"; exit 1; fi
exit "$rc"
