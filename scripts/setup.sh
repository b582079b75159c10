#!/usr/bin/env bash
# BotMap setup, run by `npm install` (postinstall): makes sure Jupyter can execute notebooks
# and registers the tslab (TypeScript) kernel pointing at this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Debian's Jupyter packages. For the tests: mmdb-bin (MaxMind's own lookup tool, which the
# tests compare BotMap with) and chromium (the tests open the HTML outputs in a real browser).
jupyter_packages=(jupyter-nbconvert jupyter-client python3-nbclient python3-ipython)

# The Python that has jupyter_client: Debian's Jupyter lives in /usr/bin/python3, which may
# differ from the python3 first on PATH (pyenv, conda).
find_python() {
  for candidate in "${BOTMAP_PYTHON:-}" /usr/bin/python3 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import jupyter_client, nbclient, nbconvert' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "botmap setup: installing $* from Debian packages"
    if [ -z "${BOTMAP_APT_UPDATED:-}" ]; then
      apt-get update -qq
      export BOTMAP_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    return 0
  fi
  return 1
}

python=$(find_python || true)
if [ -z "$python" ]; then
  if ! apt_install "${jupyter_packages[@]}"; then
    cat >&2 <<MSG
botmap setup: Jupyter is missing. BotMap runs its notebooks with Jupyter's nbconvert and nbclient.
Install them, then run \`npm install\` again:
  Debian/Ubuntu:  sudo apt-get install ${jupyter_packages[*]}
  elsewhere:      python3 -m pip install nbconvert nbclient jupyter_client ipython
MSG
    exit 1
  fi
  python=$(find_python || true)
  if [ -z "$python" ]; then
    echo "botmap setup: installed ${jupyter_packages[*]} but no Python can import jupyter_client, nbclient and nbconvert; set BOTMAP_PYTHON to the Python that has them." >&2
    exit 1
  fi
fi

missing_test_packages=()
command -v mmdblookup >/dev/null 2>&1 || missing_test_packages+=(mmdb-bin)
command -v chromium >/dev/null 2>&1 || missing_test_packages+=(chromium)
if [ ${#missing_test_packages[@]} -gt 0 ]; then
  apt_install "${missing_test_packages[@]}" || echo "botmap setup: note: ${missing_test_packages[*]} missing; \`npm test\` needs them (sudo apt-get install ${missing_test_packages[*]})." >&2
fi

# BotMap compiled for the notebooks (notebooks/lib), so a cold kernel imports it at once.
node "$root/scripts/notebook-lib.mjs"

# Register the kernels (tslab: TypeScript, jslab: JavaScript). Registrations are machine-wide, so
# they start no checkout's tslab directly: each runs a copy of scripts/kernel-launcher.mjs kept
# in the kernel's own folder, which starts the tslab of the checkout the notebook is in.
"$root/node_modules/.bin/tslab" install --python="$python" --binary="$root/node_modules/.bin/tslab" >/dev/null
"$python" - "$(command -v node)" "$root/scripts/kernel-launcher.mjs" <<'PY'
import json, os, shutil, sys
from jupyter_client.kernelspec import KernelSpecManager
node, launcher = sys.argv[1:3]
specs = KernelSpecManager().find_kernel_specs()
for name, extra in (('tslab', []), ('jslab', ['--js'])):
    folder = specs[name]
    shutil.copyfile(launcher, os.path.join(folder, 'botmap-kernel.mjs'))
    with open(os.path.join(folder, 'kernel.json'), encoding='utf-8') as f:
        spec = json.load(f)
    spec['argv'] = [node, os.path.join(folder, 'botmap-kernel.mjs'), 'kernel', '--config-path', '{connection_file}'] + extra
    with open(os.path.join(folder, 'kernel.json'), 'w', encoding='utf-8') as f:
        json.dump(spec, f, indent=1)
PY
echo "botmap setup: Jupyter ready ($python), tslab kernel registered (it starts the tslab of the checkout a notebook is in)"
