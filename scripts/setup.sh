#!/usr/bin/env bash
# Installs what gridauth's build and tests need on a fresh Debian machine.
# Idempotent and quick when everything is already there.
set -euo pipefail

need_apt=()
for pkg in openssl libssl-dev pkg-config globus-proxy-utils voms-clients; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# Python peers for differential tests (PyPI's scitokens).
python3 -c 'import scitokens' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check 'scitokens>=1.8' 2>&1 | grep -v "Running pip as the 'root' user" || true
