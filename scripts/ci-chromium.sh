#!/usr/bin/env bash
# Makes sure a Chromium browser is installed for the web UI's end-to-end tests
# (tests/dashboards/e2e/), which drive it headless through Python Playwright with
# `executable_path`: Playwright's own browser download (`playwright install`) is never used.
#
# Installs Debian's `chromium` package with apt-get when no browser is found and we are root;
# otherwise it only reports what is missing (exit 0: the tests then skip, or fail when
# DASKFLOW_REQUIRE_BROWSER=1).
set -euo pipefail

find_browser() {
    local candidate
    for candidate in "${DASKFLOW_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
        [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return 0; }
    done
    return 1
}

if browser=$(find_browser); then
    echo "ci-chromium: browser found at $browser"
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ci-chromium: no Chromium found; install Debian's chromium package" \
         "(needs root and apt-get)" >&2
    exit 0
fi
echo "ci-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: the browser and its libraries, without extras (drivers, docs).
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
browser=$(find_browser) || { echo "ci-chromium: chromium installed but not found" >&2; exit 1; }
echo "ci-chromium: installed $browser ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
