#!/usr/bin/env bash
# Installs the one system library Akinai builds against (libqrencode, for 2FA QR codes) when it is missing.
# Debian/Ubuntu: apt-get (as root, or through sudo).
set -euo pipefail
if [ -f /usr/include/qrencode.h ] || pkg-config --exists libqrencode 2>/dev/null; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Akinai needs libqrencode's headers (Debian: libqrencode-dev); install them and run again." >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "Installing libqrencode-dev (QR codes for two-factor enrolment)…" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends libqrencode-dev pkg-config >/dev/null
