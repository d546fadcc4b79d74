#!/usr/bin/env bash
# Set up (including test tools: chromium, poppler-utils, a CJK font) and run every test.
# First the quick start itself: a second venv built from requirements.txt alone (.venv-app,
# rebuilt from scratch whenever requirements.txt changes) must start the app, seed the demo, run every page,
# print, export, digest and push; a runtime import that only the test packages bring fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# The static gate first (seconds, the mypy cache is in .mypy_cache): lint, format, types; config in pyproject.toml.
gate() {
  local zh="$1" en="$2"
  shift 2
  "$@" || { printf '静态检查未通过：%s / static gate failed: %s\n' "$zh" "$en" >&2; exit 1; }
}
gate "代码规范（ruff check）" "lint (ruff check)" .venv/bin/ruff check .
gate "代码格式（ruff format --check）" "format (ruff format --check)" .venv/bin/ruff format --check .
gate "类型检查（mypy）" "types (mypy)" .venv/bin/mypy
SANWU_VENV=.venv-app SANWU_CLEAN_VENV=1 bash scripts/setup.sh
.venv-app/bin/python scripts/quickstart_check.py
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
