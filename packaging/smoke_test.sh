#!/usr/bin/env bash
# Build the frozen app with PyInstaller and prove it works headless: it opens a workspace, plans,
# exports the PDFs and exits 0. Prints the frozen app's size and its cold start time.
#
#   packaging/smoke_test.sh                       # build with python3 (or $PYTHON), then test
#   PYTHON=.venv/bin/python packaging/smoke_test.sh
#   SKIP_BUILD=1 packaging/smoke_test.sh          # test the app already in build/dist/planner
#
# $PYTHON must have Planner's dependencies (pip install .); PyInstaller is a build-time tool and
# is installed into that environment when missing. Exit status: 0 when every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
DIST="$ROOT/build/dist"
WORK="$ROOT/build/pyinstaller"
APP_DIR="$DIST/planner"
APP="$APP_DIR/planner"
SIZE_LIMIT_MB=300
START_LIMIT_S=4

fail() { echo "smoke_test: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { print ($1) }"; }  # calc "1.5 - 0.2" (no bc needed)

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    "$PYTHON" -c "import PySide6, pandas, scipy, reportlab, matplotlib, sqlite_utils" \
        || fail "$PYTHON lacks Planner's dependencies; run: $PYTHON -m pip install ."
    if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
        echo "smoke_test: installing PyInstaller (build-time only) into $("$PYTHON" -c 'import sys; print(sys.prefix)')"
        "$PYTHON" -m pip install --quiet "pyinstaller>=6.10"
    fi
    "$PYTHON" packaging/build_assets.py
    build_start=$(now)
    "$PYTHON" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" \
        packaging/planner.spec
    echo "smoke_test: built in $(calc "int($(now) - $build_start)") s"
fi
[[ -x "$APP" ]] || fail "no frozen app at $APP"

# A throwaway home: the app's recent-workspace list and default workspace stay out of yours.
SANDBOX="$(mktemp -d -t planner-smoke-XXXXXX)"
trap 'rm -rf "$SANDBOX"' EXIT
export HOME="$SANDBOX/home" XDG_CONFIG_HOME="$SANDBOX/config" XDG_DATA_HOME="$SANDBOX/data"
export XDG_CACHE_HOME="$SANDBOX/cache" PLANNER_DATA_DIR="$SANDBOX/data/Planner"
export TMPDIR="$SANDBOX/tmp" QT_QPA_PLATFORM=offscreen MPLBACKEND=Agg
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$TMPDIR"

size_bytes=$(du -sb "$APP_DIR" | cut -f1)
size_mb=$(calc "int($size_bytes / 104857.6) / 10")
files=$(find "$APP_DIR" -type f | wc -l)
echo "smoke_test: frozen app $APP_DIR: $size_mb MB in $files files (du: $(du -sh "$APP_DIR" | cut -f1))"

"$APP" --version || fail "planner --version"
"$APP" demo "$SANDBOX/demo.db" --skus 30 >/dev/null || fail "planner demo (command line)"
"$APP" plan "$SANDBOX/demo.db" --json "$SANDBOX/plan.json" || fail "planner plan (command line)"
"$PYTHON" -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['skus'], 'no SKUs'" \
    "$SANDBOX/plan.json" || fail "plan JSON has no SKUs"

# Cold start: push the app's files out of the page cache first (posix_fadvise; no root needed).
sync
"$PYTHON" - "$APP_DIR" <<'EOF'
import os, sys
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        path = os.path.join(folder, name)
        if os.path.islink(path):
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
EOF

# run_gui LABEL ARGS...: start the GUI smoke test, print the seconds to a usable window.
run_gui() {
    local label=$1; shift
    local log="$SANDBOX/$label.log" start rc usable
    start=$(now)
    set +e
    PLANNER_STARTUP_PROBE=1 timeout 300 "$APP" gui "$@" --smoke-test >"$log" 2>&1
    rc=$?
    set -e
    sed 's/^/    /' "$log" >&2
    [[ $rc == 0 ]] || fail "$label: the frozen app exited with status $rc"
    grep -q "smoke test: .*PDF(s) in .*; ok" "$log" || fail "$label: no PDF export reported"
    usable=$(sed -n 's/^startup probe: window usable at \([0-9.]*\)$/\1/p' "$log" | head -1)
    [[ -n "$usable" ]] || fail "$label: the window never came up"
    calc "int(($usable - $start) * 100 + 0.5) / 100"
}

cold=$(run_gui cold "$SANDBOX/demo.db")
echo "smoke_test: cold start to a usable window: $cold s (workspace given, plan computing)"
# The issue's form: no path, so the app makes and fills a temporary demo workspace itself.
warm=$(run_gui warm)
echo "smoke_test: warm start to a usable window: $warm s (demo workspace filled first)"

if [[ $(calc "$size_mb > $SIZE_LIMIT_MB") == 1 ]]; then
    echo "smoke_test: WARNING: $size_mb MB is over the $SIZE_LIMIT_MB MB target" >&2
fi
if [[ $(calc "$cold > $START_LIMIT_S") == 1 ]]; then
    echo "smoke_test: WARNING: cold start $cold s is over the $START_LIMIT_S s target" >&2
fi
echo "smoke_test: passed (size $size_mb MB, cold start $cold s, warm start $warm s)"
