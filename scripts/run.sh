#!/usr/bin/env bash
# Quick start: set up, create the demo database if absent, and serve the app on port 8501.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The database comes from DATABASE_URL or .streamlit/secrets.toml (default data/sanwu.db);
# the demo community is created only in a database that has no village yet.
.venv/bin/python -m board init-db
.venv/bin/python -m board seed-demo --if-empty
echo "三务公开栏已启动：http://localhost:${PORT:-8501}/?village=DEMO （按 Ctrl+C 停止）"
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
