#!/usr/bin/env bash
# Set up (including test tools: chromium, poppler-utils, a CJK font) and run every test.
# First the quick start itself: a second venv built from requirements.txt alone (.venv-app,
# kept while requirements.txt is unchanged) must start the app, seed the demo, run every page,
# print, export, digest and push; a runtime import that only the test packages bring fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
SANWU_VENV=.venv-app bash scripts/setup.sh
.venv-app/bin/python scripts/quickstart_check.py
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
