#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine (Python 3.11, Node 20): system packages, the venv, the project.
# Used by `make run` and `make test`; safe to run again (it only installs what is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
apt_updated=0
apt_install() {  # apt_install PACKAGE... : installs the Debian packages that are not installed yet
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then echo "setup: please install: ${missing[*]}" >&2; return 1; fi
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# System packages the local studio and the tests use.
if command -v dpkg >/dev/null; then
  apt_install ${DECA_APT_PACKAGES:-redis-server bubblewrap chromium}
fi

# Python virtual environment with the project and its dev tools.
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    apt_install python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
fi
stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e '.[dev,local]'
  # The JavaScript engine moved from `quickjs` to `quickjs-ng` (same `_quickjs` module): drop the old one.
  if "$VENV/bin/python" -m pip show -q quickjs >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip uninstall -q -y quickjs
    "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps quickjs-ng
  fi
  touch "$stamp"
fi

# The aws-cdk command line (cdk/package.json) for `cdk synth|deploy`, when Node.js is installed.
if command -v npm >/dev/null; then
  if [ ! -x cdk/node_modules/.bin/cdk ] || [ cdk/package-lock.json -nt cdk/node_modules/.package-lock.json ]; then
    if [ -f cdk/package-lock.json ]; then
      npm ci --prefix cdk --no-audit --no-fund --loglevel=error
    else
      npm install --prefix cdk --no-audit --no-fund --loglevel=error
    fi
  fi
fi

# The studio UI's packages (ui/package-lock.json), when Node.js is installed.
if command -v npm >/dev/null && [ -f ui/package-lock.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    npm ci --prefix ui --no-audit --no-fund --loglevel=error
  fi
fi
