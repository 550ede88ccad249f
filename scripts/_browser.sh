# Shared by scripts/run and scripts/test: the front-end assets (npm) and, for the browser tests,
# Debian's chromium. Sourced after _venv.sh (we are in the project root).

install_assets() {  # Det Fælles Designsystem, htmx and axe-core from the committed package-lock.json
  if ! command -v npm >/dev/null 2>&1; then
    echo "==> npm mangler; installerer nodejs og npm"
    apt_install nodejs npm
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> Installerer front-end-pakker (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

_APT_UPDATED=""
apt_install() {  # non-interactive; runs apt-get update once per script run
  local sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo"
  if [ -z "$_APT_UPDATED" ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

install_chromium() {  # the browser tests drive /usr/bin/chromium through Playwright (never `playwright install`)
  if [ ! -x /usr/bin/chromium ]; then
    echo "==> Installerer chromium (Debian) til browsertestene"
    apt_install chromium fonts-dejavu-core
  fi
}
