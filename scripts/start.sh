#!/usr/bin/env bash
# `make start`: JupyterLab under jlremote. Uses a `jupyter lab` on PATH; as root, without one, installs JupyterLab
# from the Python package index into a cached venv (scripts/ensure-jupyterlab.sh) and runs that.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
name=${1:-default}
jl="$top/dist/jlremote.cjs"
if jupyter lab --version >/dev/null 2>&1; then
  exec "$jl" start --name "$name"
fi
venv=${JLREMOTE_JUPYTERLAB_VENV:-$top/.cache/jupyterlab-venv}
if [ "$(id -u)" -eq 0 ]; then
  echo "no 'jupyter lab' on PATH: using JupyterLab from $venv" >&2
  "$top/scripts/ensure-jupyterlab.sh"
  exec "$jl" start --name "$name" --jupyter "$venv/bin/jupyter" --app lab
fi
if [ -f "$venv/.complete" ]; then
  exec "$jl" start --name "$name" --jupyter "$venv/bin/jupyter" --app lab
fi
if command -v jupyter >/dev/null 2>&1; then
  echo "warning: no 'jupyter lab' on PATH; starting what 'jupyter' offers. For JupyterLab: python3 -m venv ~/jl && ~/jl/bin/pip install jupyterlab, then ./dist/jlremote.cjs start --jupyter ~/jl/bin/jupyter" >&2
  exec "$jl" start --name "$name"
fi
echo "error: no Jupyter found on PATH" >&2
echo "hint: python3 -m venv ~/jl && ~/jl/bin/pip install jupyterlab (or run 'make start' as root to install it from the package index)" >&2
exit 1
