#!/usr/bin/env bash
# Set up (including test tools: chromium, poppler-utils, a CJK font) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
