# Shared by scripts/run and scripts/test: a project-local virtualenv with pinned versions.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> Opretter virtuelt miljø i .venv"
  "$PY" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
install_project() {  # $1: extras, e.g. "" or "[test]"
  echo "==> Installerer Samtale${1:+ med $1}"
  .venv/bin/pip install -q -c requirements/constraints.txt -e ".$1"
}
