#!/usr/bin/env bash
# `npm run jupyter [-- jupyter options]`: opens the classic Jupyter notebook server on notebooks/
# with the TypeScript (tslab) kernel registered. Installs the server from Debian when root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
if ! jupyter notebook --version >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "botmap: installing the Jupyter notebook server (Debian package jupyter-notebook)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jupyter-notebook >/dev/null
  else
    echo "botmap: the Jupyter notebook server is missing. Install it (sudo apt-get install jupyter-notebook, or pip install notebook), then run npm run jupyter again." >&2
    exit 1
  fi
fi
exec jupyter notebook --notebook-dir=notebooks "$@"
