#!/usr/bin/env bash
# Known-vulnerability audit of requirements.lock with pip-audit (make audit; .ci/run calls it).
#
# pip-audit asks an advisory service (PyPI's JSON API or OSV) about every pin. Where neither
# answers — some networks, this project's CI machine among them, reach only PyPI's simple
# index — the audit cannot run: say so plainly and exit 0, unless MOTCUA_AUDIT_REQUIRED=1.
set -uo pipefail
BIN="${BIN:-.venv/bin}"
probe() { "$BIN/python" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}
# the first pin of the lock, as pip-audit will ask for it
pin=$(grep -m1 -E '^[A-Za-z0-9._-]+==' requirements.lock | sed -E 's/ .*//')
if probe "https://pypi.org/pypi/${pin%%==*}/${pin##*==}/json"; then
  service=pypi
elif probe "https://api.osv.dev/v1/vulns/PYSEC-2021-1"; then
  service=osv
else
  echo "audit: NOT RUN - no advisory service reachable (PyPI JSON API and api.osv.dev both unreachable from here);"
  echo "audit: run 'make audit' on a machine with internet access before release."
  [ "${MOTCUA_AUDIT_REQUIRED:-0}" = "1" ] && exit 1
  exit 0
fi
exec "$BIN/pip-audit" --strict --require-hashes --disable-pip --vulnerability-service "$service" -r requirements.lock
