#!/usr/bin/env bash
# Makes (once, cached) a venv with JupyterLab 4 from the Python package index for the tests and the bench.
# As root a failure is fatal (CI must run the JupyterLab matrix); otherwise it says why and the matrix skips it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
venv=${JLREMOTE_JUPYTERLAB_VENV:-$top/.cache/jupyterlab-venv}
# .complete is written last: a venv cut off half-way is rebuilt, never used
if [ -f "$venv/.complete" ] && "$venv/bin/jupyter" lab --version >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "note: no JupyterLab venv at $venv and not root: the JupyterLab 4 test cases will be skipped" >&2
  echo "hint: run 'make test' as root, or: /usr/bin/python3 -m venv $venv && $venv/bin/pip install jupyterlab && touch $venv/.complete" >&2
  exit 0
fi
"$top/scripts/ensure-debian.sh" python3-venv
echo "creating the JupyterLab venv in $venv (about a minute)" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
/usr/bin/python3 -m venv "$venv"
# --retries 0: an unreachable default index fails at once instead of five backed-off retries per package
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --retries 0 jupyterlab; then
  echo "error: could not install JupyterLab into $venv from the package index" >&2
  exit 1
fi
"$venv/bin/jupyter" lab --version >/dev/null
touch "$venv/.complete"
echo "JupyterLab $("$venv/bin/jupyter" lab --version) in $venv" >&2
