#!/usr/bin/env sh
# Create the project's virtual environment with nothing but python3.
# Debian splits venv/ensurepip into python3-venv: install it when we may, else say so.
set -eu
python="$1"; venv="$2"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "error: $python not found; install Python 3.11 or newer" >&2; exit 1
fi
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "error: Comptoir needs Python >= 3.11 ($("$python" --version) found)" >&2; exit 1; }
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "python venv support missing: installing python3-venv with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    "$python" -m venv "$venv"
  else
    echo "error: '$python -m venv' does not work here; install your distribution's python3-venv package" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24" "setuptools>=68" wheel
