#!/usr/bin/env bash
# The CI check behind action.yml (and usable from any CI): one scan to SARIF (with the diff of the
# pending fixes in the log), then gate on pending fixes.
#
# Environment (all optional):
#   VNI_PATHS            paths to check, space separated (default: .)
#   VNI_SARIF            where to write the SARIF report (default: vni-migrate.sarif)
#   VNI_BASELINE         a baseline file: only findings not in it count (scan --baseline)
#   VNI_ONLY_CHANGED     a git revision: only findings on lines changed since it count
#   VNI_FAIL_ON          pending-fixes (default): fail when `fix --check` has work to do;
#                        findings: also fail on any reported finding; never: report only
#   VNI_ARGS             extra arguments for both scan and fix (e.g. "--ignore VNI004")
#   VNI_MIGRATE          the command to run (default: vni-migrate)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   set by GitHub Actions; written when present
# Outputs (to GITHUB_OUTPUT): sarif, findings, pending-fixes (true/false), exit-code.
# Exit code: 0 pass, 1 fail (pending fixes / findings as configured), 2 configuration or usage error.
set -uo pipefail

read -r -a paths <<< "${VNI_PATHS:-.}"
read -r -a extra <<< "${VNI_ARGS:-}"
sarif="${VNI_SARIF:-vni-migrate.sarif}"
fail_on="${VNI_FAIL_ON:-pending-fixes}"
read -r -a tool <<< "${VNI_MIGRATE:-vni-migrate}"

case "$fail_on" in
  pending-fixes|findings|never) ;;
  *) echo "vni-migrate: error: VNI_FAIL_ON must be pending-fixes, findings or never, not '$fail_on'" >&2; exit 2 ;;
esac

filters=()
[ -n "${VNI_BASELINE:-}" ] && filters+=(--baseline "$VNI_BASELINE")
[ -n "${VNI_ONLY_CHANGED:-}" ] && filters+=(--only-changed "$VNI_ONLY_CHANGED")

# One run: the SARIF report, and the diff of what `vni-migrate fix` would change in the log (--diff
# writes nothing). The SARIF run's properties.fixesPending counts the fixes of the findings that
# count (after --baseline / --only-changed), so no second scan is needed for the gate.
"${tool[@]}" scan --format sarif --output "$sarif" --diff "${filters[@]}" "${extra[@]}" "${paths[@]}"
scan_rc=$?
fix_rc=0
if [ "$scan_rc" -ge 2 ]; then
  fix_rc=$scan_rc
elif [ -f "$sarif" ]; then
  pending_count=$(python3 -c 'import json,sys; run=json.load(open(sys.argv[1]))["runs"][0]; print(run.get("properties", {}).get("fixesPending", 0) + len(run["invocations"][0]["toolExecutionNotifications"]))' "$sarif" 2>/dev/null || echo 1)
  [ "$pending_count" != 0 ] && fix_rc=1
fi

findings=0
if [ -f "$sarif" ]; then
  findings=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["runs"][0]["results"] if not r.get("suppressions")))' "$sarif" 2>/dev/null || echo 0)
fi
pending=false
[ "$fix_rc" = 1 ] && pending=true

if [ "$scan_rc" -ge 2 ] || [ "$fix_rc" -ge 2 ]; then
  rc=2
elif [ "$fail_on" = findings ] && [ "$scan_rc" = 1 ]; then
  rc=1
elif [ "$fail_on" != never ] && [ "$fix_rc" = 1 ]; then
  rc=1
else
  rc=0
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    [ -f "$sarif" ] && echo "sarif=$sarif"
    echo "findings=$findings"
    echo "pending-fixes=$pending"
    echo "exit-code=$rc"
  } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### vni-migrate"
    echo ""
    echo "- findings: **$findings** (SARIF: \`$sarif\`)"
    if [ "$pending" = true ]; then
      echo "- fixes pending: run \`vni-migrate fix ${paths[*]}\` and commit the result"
    else
      echo "- fixes pending: none"
    fi
    [ "$rc" = 2 ] && echo "- configuration or usage error: see the log"
  } >> "$GITHUB_STEP_SUMMARY"
fi
if [ "$rc" = 1 ]; then
  echo "vni-migrate: failing: $([ "$pending" = true ] && echo "fixes are pending (run vni-migrate fix)" || echo "findings reported")" >&2
fi
exit "$rc"
