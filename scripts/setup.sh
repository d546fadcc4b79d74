#!/usr/bin/env bash
# Sets up everything the project needs on Debian/Ubuntu with Python 3.11+:
#   bash scripts/setup.sh          app: .venv with requirements.txt, a CJK TrueType font
#   bash scripts/setup.sh --dev    tests too: requirements-dev.txt, chromium, poppler-utils
# SANWU_VENV=DIR puts the venv elsewhere (the test command builds a second, app-only one).
# System packages are installed only when missing (apt-get as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1
venv="${SANWU_VENV:-.venv}"

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
  # Another apt (unattended-upgrades on a fresh machine) may hold the locks: wait for it.
  # DPkg::Lock::Timeout covers install; update ignores it, so it is retried while locked.
  local wait=(-o DPkg::Lock::Timeout=600)
  local tries=0 out
  until out=$($sudo apt-get "${wait[@]}" update -qq 2>&1); do
    if grep -q "Could not get lock" <<<"$out" && [ $tries -lt 120 ]; then
      [ $tries -eq 0 ] && say "apt 正被其他程序占用，等待它结束（最多 10 分钟）…"
      tries=$((tries + 1))
      sleep 5
      continue
    fi
    printf '%s\n' "$out" >&2
    say "apt-get update 失败（网络或软件源问题），仍尝试用现有的软件包列表安装"
    break
  done
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    local still=()
    local pkg
    for pkg in "${missing[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || still+=("$pkg"); done
    say "未能安装系统软件包：${still[*]}。请稍后以管理员身份运行：apt-get install ${still[*]}"
    return 1
  fi
}

# What each missing system package costs, said plainly when it could not be installed.
explain_missing() {
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 && continue
    case "$pkg" in
      fonts-wqy-microhei) say "没有中文字体：PDF 里的中文会显示为方框。" ;;
      chromium) say "没有 chromium：浏览器测试无法运行。" ;;
      poppler-utils) say "没有 poppler-utils：PDF 渲染测试无法运行。" ;;
      postgresql-client) say "没有 postgresql-client：PostgreSQL 备份（pg_dump）不可用。" ;;
      *-venv) say "没有 $pkg：无法创建 Python 虚拟环境。" ;;
    esac
  done
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
  # The public site's referees: nginx (deploy test, serving benchmark), zbarimg (QR codes decode),
  # node + npm for axe-core and Lighthouse (package.json).
  command -v nginx >/dev/null 2>&1 || pkgs+=(nginx-light)
  command -v ab >/dev/null 2>&1 || pkgs+=(apache2-utils)
  command -v zbarimg >/dev/null 2>&1 || pkgs+=(zbar-tools)
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi
kind=app
req=requirements.txt
if [ $dev -eq 1 ]; then kind=dev; req=requirements-dev.txt; fi
# The stamp is written only after the install and an import check of every runtime package
# passed, so a failed or partial install is retried on the next run. One stamp per kind, so the
# app and the test command sharing .venv do not undo each other.
hash=$(cat requirements.txt "$req" | sha256sum | cut -c1-16)
stamp="$venv/.installed-$kind-$hash"
# A venv left half-made by an earlier failed run (no ensurepip) is rebuilt; so is a venv that
# must hold requirements.txt and nothing else (SANWU_CLEAN_VENV=1) once that file changed.
if [ -d "$venv" ] && ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  rm -rf "$venv"
elif [ -d "$venv" ] && [ -n "${SANWU_CLEAN_VENV:-}" ] && [ ! -f "$stamp" ]; then
  say "requirements.txt 变了：重建 $venv"
  rm -rf "$venv"
fi
if [ ! -d "$venv" ] && ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  pkgs+=("python$("$python_bin" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv")
fi
if ! apt_install "${pkgs[@]}"; then
  explain_missing "${pkgs[@]}"
  [ -n "${CI:-}" ] && exit 1
  say "继续安装 Python 依赖；上面列出的功能在装好这些软件包之前不可用。"
fi

if [ ! -d "$venv" ]; then
  say "创建虚拟环境 $venv"
  "$python_bin" -m venv "$venv"
fi
# The test packages include requirements.txt: a current dev install satisfies the app too.
dev_stamp="$venv/.installed-dev-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] && ! { [ $kind = app ] && [ -f "$dev_stamp" ]; }; then
  rm -f "$venv"/.installed-"$kind"-*
  say "安装 Python 依赖（$req）"
  "$venv/bin/python" -m pip install -q --upgrade pip || say "pip 本身没能升级，继续用现有版本安装。"
  if ! "$venv/bin/python" -m pip install -q -r "$req"; then
    say "Python 依赖没有装好（见上面 pip 的报错）；再次运行本命令会重试。"
    exit 1
  fi
  if ! "$venv/bin/python" scripts/quickstart_check.py --imports-only; then
    say "Python 依赖装好了，但程序仍无法导入（见上）；再次运行本命令会重试。"
    exit 1
  fi
  touch "$stamp"
fi
if [ $dev -eq 1 ] && command -v npm >/dev/null 2>&1 && [ ! -f node_modules/axe-core/axe.min.js ]; then
  say "安装网页检查工具（axe-core、Lighthouse，见 package.json）"
  npm ci --no-audit --no-fund --silent || say "npm 依赖没有装好；无障碍检查测试无法运行。"
fi
if [ $dev -eq 1 ] && [ "$os_id" = ubuntu ] && ! command -v chromium >/dev/null 2>&1; then
  say "安装测试用浏览器（Playwright 的 Chromium）"
  "$venv/bin/python" -m playwright install --with-deps chromium
fi
