#!/usr/bin/env bash
# Sets up everything the project needs on Debian/Ubuntu with Python 3.11+:
#   bash scripts/setup.sh          app: .venv with requirements.txt, a CJK TrueType font
#   bash scripts/setup.sh --dev    tests too: requirements-dev.txt, chromium, poppler-utils
# System packages are installed only when missing (apt-get as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

say() { printf '[setup] %s\n' "$*" >&2; }

apt_install() {
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      say "缺少系统软件包：${missing[*]}。请用管理员身份运行：apt-get install ${missing[*]}"
      return 1
    fi
  fi
  say "安装系统软件包：${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

os_id=$( (. /etc/os-release 2>/dev/null && echo "${ID:-}") || true)

python_bin=""
for candidate in python3.11 python3 python3.12 python3.13; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python_bin="$candidate"; break
  fi
done
if [ -z "$python_bin" ]; then
  say "需要 Python 3.11 或更高版本（apt-get install python3）"; exit 1
fi

pkgs=()
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || fc-list 2>/dev/null | grep -qi 'wqy' || pkgs+=(fonts-wqy-microhei)
if [ $dev -eq 1 ]; then
  # Ubuntu ships chromium only as a snap: there the tests use Playwright's own build (below).
  if ! command -v chromium >/dev/null 2>&1 && [ "$os_id" != ubuntu ]; then pkgs+=(chromium); fi
  command -v pdftoppm >/dev/null 2>&1 || pkgs+=(poppler-utils)
  command -v pg_dump >/dev/null 2>&1 || pkgs+=(postgresql-client)
fi
# A venv left half-made by an earlier failed run (no ensurepip) is rebuilt.
if [ -d .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
fi
if [ ! -d .venv ] && ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  pkgs+=("python$("$python_bin" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv")
fi
if ! apt_install "${pkgs[@]}"; then
  [ -n "${CI:-}" ] && exit 1
  say "继续安装 Python 依赖；缺少的系统软件包会让部分功能或测试不可用。"
fi

if [ ! -d .venv ]; then
  say "创建虚拟环境 .venv"
  "$python_bin" -m venv .venv
fi
req=requirements.txt
[ $dev -eq 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt "$req" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "安装 Python 依赖（$req）"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$req"
  touch "$stamp"
fi
if [ $dev -eq 1 ] && [ "$os_id" = ubuntu ] && ! command -v chromium >/dev/null 2>&1; then
  say "安装测试用浏览器（Playwright 的 Chromium）"
  .venv/bin/python -m playwright install --with-deps chromium
fi
