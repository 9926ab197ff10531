#!/usr/bin/env bash
# Set up and run the portal with demo data from synthetic national nodes, on the embedded defaults:
# http://127.0.0.1:5000 (GDI_PORT to change). Data goes to GDI_DATA_DIR (default: .data/demo here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GDI_DATA_DIR="${GDI_DATA_DIR:-$PWD/.data/demo}"
export GDI_ALLOW_PRIVATE_NODES="${GDI_ALLOW_PRIVATE_NODES:-true}"
exec .venv/bin/gdi-catalogue demo "$@"
