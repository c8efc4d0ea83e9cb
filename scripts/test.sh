#!/usr/bin/env bash
# `npm test`: every test tier, failing fast, non-zero exit on any failure.
#
#   system packages → typecheck → lint → format → table ownership → audit → import cycles → unit (TZ=UTC, Asia/Taipei)
#   → integration on SQLite → integration on a throw-away PostgreSQL → web build + Playwright
#
# Options (environment):
#   CARELINE_TEST_KEEP_GOING=1   run the remaining tiers after a failure (still exits 1)
#   CARELINE_TEST_ONLY="unit integration-sqlite"   run only these tiers (names as printed)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

KEEP_GOING="${CARELINE_TEST_KEEP_GOING:-0}"
ONLY=" ${CARELINE_TEST_ONLY:-} "
PASSED=()
FAILED=()
SKIPPED=()
RESULTS=()   # "status name", in run order
FAILURES=()  # the failing tests' names, printed again at the end (CI keeps only the log's tail)
LOG_DIR="$(mktemp -d)"
PG_DIR=""
START_TIME=$SECONDS

banner() {
  printf '\n\033[1m==== %s ====\033[0m\n' "$*"
}

summary() {
  local rc=$?
  set +e
  if [[ -n "$PG_DIR" ]]; then
    bash "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR" || true
    PG_DIR=""
  fi
  printf '\n==== summary (%ss) ====\n' "$(( SECONDS - START_TIME ))"
  local t
  for t in "${RESULTS[@]}"; do echo "  $t"; done
  if (( ${#FAILURES[@]} > 0 )); then
    echo "failing tests:"
    for t in "${FAILURES[@]}"; do echo "  $t"; done
  fi
  rm -rf "$LOG_DIR"
  if (( ${#FAILED[@]} == 0 && rc != 0 )); then
    echo "  FAILED  (aborted with exit code $rc)"
  fi
  echo "test tiers: ${#PASSED[@]} passed, ${#FAILED[@]} failed, ${#SKIPPED[@]} skipped"
  if (( ${#FAILED[@]} > 0 )) && (( rc == 0 )); then rc=1; fi
  exit "$rc"
}
trap summary EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

selected() {
  [[ "$ONLY" == "  " || "$ONLY" == *" $1 "* ]]
}

# run_tier <name> <command…>: runs the command with a banner; records the result.
run_tier() {
  local name="$1"; shift
  if ! selected "$name"; then return 0; fi
  banner "$name: $*"
  local t0=$SECONDS rc=0 log="$LOG_DIR/$name.log"
  # The tier runs in this shell (not a pipeline's subshell), so it may set PG_DIR for the cleanup.
  "$@" > >(tee "$log") 2>&1 || rc=$?
  wait 2>/dev/null || true # for tee to finish writing the log
  if (( rc == 0 )); then
    PASSED+=("$name")
    RESULTS+=("ok      $name")
    echo "---- $name: ok ($(( SECONDS - t0 ))s)"
  else
    FAILED+=("$name")
    RESULTS+=("FAILED  $name")
    echo "---- $name: FAILED (exit $rc, $(( SECONDS - t0 ))s)"
    # vitest: "FAIL  file > suite > test" / "× test"; Playwright: "  1) e2e/x.spec.ts:31:1 › test"
    local line
    while IFS= read -r line; do
      FAILURES+=("$name: $line")
    done < <(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *(FAIL |× |[0-9]+\) .*\.(spec|test)\.ts)' \
      | sed 's/^ *//' | sort -u | head -20)
    if [[ "$KEEP_GOING" != "1" ]]; then exit 1; fi
  fi
}

skip_tier() {
  local name="$1" why="$2"
  if ! selected "$name"; then return 0; fi
  banner "$name: skipped — $why"
  SKIPPED+=("$name")
  RESULTS+=("skipped $name ($why)")
}

# ---------------------------------------------------------------- system packages
banner "system packages (postgresql, chromium, fonts-noto-cjk, poppler-utils)"
missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# pdftoppm: the reports and manual specs turn the monthly report and the manual PDFs into images to look at.
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 \
  && ! { command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null; }; then
  missing+=(fonts-noto-cjk)
fi
if (( ${#missing[@]} > 0 )); then
  echo "missing: ${missing[*]}"
  if [[ "$(id -u)" != "0" ]]; then
    echo "ERROR: system packages missing (${missing[*]}) and not running as root." >&2
    echo "       Install them with: sudo apt-get install -y postgresql chromium fonts-noto-cjk poppler-utils" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y postgresql chromium fonts-noto-cjk poppler-utils
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
    || { echo "ERROR: initdb still missing after install" >&2; exit 1; }
  [[ -x /usr/bin/chromium ]] || { echo "ERROR: /usr/bin/chromium still missing after install" >&2; exit 1; }
else
  echo "all present"
fi
echo "node $(npx node -v)"

# ---------------------------------------------------------------- static checks
run_tier typecheck npx tsc --noEmit -p tsconfig.json
run_tier lint npm run --silent lint
run_tier format npm run --silent format:check
# every table used only by its owner's repository (docs/architecture.md, Table ownership)
run_tier ownership npx node scripts/check-ownership.ts

# npm audit of the production dependencies, judged against the reviewed audit-allowlist.json;
# when the registry's audit endpoint cannot be asked the tier is skipped with the reason (exit 3).
if selected audit; then
  audit_rc=0
  audit_out="$(npx node scripts/audit.ts 2>&1)" || audit_rc=$?
  if (( audit_rc == 3 )); then
    skip_tier audit "${audit_out##*skipped — }"
  else
    run_tier audit bash -c 'printf "%s\n" "$1"; exit "$2"' _ "$audit_out" "$audit_rc"
  fi
fi

cycle_dirs=()
for d in apps/server/src apps/line-emulator/src packages apps/web/src; do
  [[ -d "$d" ]] && cycle_dirs+=("$d")
done
# madge settings (.ts/.tsx imports resolved via tsconfig, type-only imports ignored) are in .madgerc
run_tier import-cycles npx madge --circular --no-spinner --extensions ts,tsx "${cycle_dirs[@]}"

# ---------------------------------------------------------------- unit
run_tier unit-tz-utc env TZ=UTC npx vitest run --project unit --passWithNoTests
run_tier unit-tz-taipei env TZ=Asia/Taipei npx vitest run --project unit --passWithNoTests

# ---------------------------------------------------------------- integration
# The integration project's files: *.test.ts under apps/*/src and packages/*/src, minus
# *.unit.test.ts (see vitest.config.ts). Only a genuinely empty tier is skipped.
count_files() { # count_files <find args…>: number of matches, 0 when the dirs do not exist
  { find "$@" 2>/dev/null || true; } | wc -l
}
shopt -s nullglob
src_dirs=(apps/*/src packages/*/src)
shopt -u nullglob
integration_files=0
if (( ${#src_dirs[@]} > 0 )); then
  integration_files="$(count_files "${src_dirs[@]}" -name '*.test.ts' ! -name '*.unit.test.ts' \
    -not -path '*/node_modules/*')"
fi

if (( integration_files == 0 )); then
  skip_tier integration-sqlite "no integration test files yet"
  skip_tier integration-postgres "no integration test files yet"
else
  run_tier integration-sqlite env -u TEST_DATABASE_URL npx vitest run --project integration

  integration_pg() {
    PG_DIR="$(mktemp -d /tmp/careline-pg.XXXXXX)"
    local url
    url="$(bash scripts/pg-cluster.sh start "$PG_DIR")" || return 1
    echo "TEST_DATABASE_URL=$url"
    local rc=0
    TEST_DATABASE_URL="$url" npx vitest run --project integration || rc=$?
    bash scripts/pg-cluster.sh stop "$PG_DIR" || true
    PG_DIR=""
    return "$rc"
  }
  run_tier integration-postgres integration_pg
fi

# ---------------------------------------------------------------- browser
run_tier build-web npm run --silent build:web

e2e_files="$(count_files e2e -not -path '*/node_modules/*' \( -name '*.spec.ts' -o -name '*.test.ts' \))"
if (( e2e_files == 0 )); then
  skip_tier e2e "no Playwright test files yet"
else
  run_tier e2e npx playwright test -c e2e/playwright.config.ts
fi
