#!/usr/bin/env bash
# Quick start: set up, create the demo database if absent, and serve the app on port 8501.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ] && [ ! -f data/sanwu.db ]; then
  .venv/bin/python -m board init-db
  .venv/bin/python -m board seed-demo
fi
echo "三务公开栏已启动：http://localhost:${PORT:-8501}/?village=DEMO （按 Ctrl+C 停止）"
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
