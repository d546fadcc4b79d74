#!/usr/bin/env bash
# Quick start: set up, create the demo database if absent, serve the staff app on port 8501 and the
# residents' static board (`board serve`) on port 8502; Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The database comes from DATABASE_URL or .streamlit/secrets.toml (default data/sanwu.db);
# the demo community is created only in a database that has no village yet.
.venv/bin/python -m board init-db
.venv/bin/python -m board seed-demo --if-empty
public_dir="${SANWU_PUBLIC_DIR:-data/public}"
if .venv/bin/python -m board export html -o "$public_dir" >/dev/null; then
  .venv/bin/python -m board serve --dir "$public_dir" --port "${PUBLIC_PORT:-8502}" &
  serve_pid=$!
  trap 'kill "$serve_pid" 2>/dev/null' EXIT
  echo "居民公开栏（静态网页）：http://localhost:${PUBLIC_PORT:-8502}/"
fi
echo "三务公开栏已启动：http://localhost:${PORT:-8501}/?village=DEMO （按 Ctrl+C 停止）"
.venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
