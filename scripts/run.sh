#!/usr/bin/env bash
# Quick start: set up, create the demo database if absent, and serve the app on port 8501.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ] && [ ! -f data/sanwu.db ]; then
  .venv/bin/python -m board init-db
  .venv/bin/python -m board seed-demo
fi
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
