#!/usr/bin/env bash
# Set up and run the whole test suite (lint + pytest). Extra arguments go to pytest.
#
# Tests that need Elasticsearch run against GDI_ELASTICSEARCH_URL. With CI set (or
# GDI_TEST_ELASTICSEARCH=1) and no URL given, this script starts a local node itself with
# scripts/elasticsearch and stops it afterwards; in CI those tests never skip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if { [ -n "${CI:-}" ] || [ "${GDI_TEST_ELASTICSEARCH:-}" = "1" ]; } && [ -z "${GDI_ELASTICSEARCH_URL:-}" ]; then
  bash scripts/engine-deps.sh
  GDI_ELASTICSEARCH_URL="$(bash scripts/elasticsearch start)"
  export GDI_ELASTICSEARCH_URL
  trap 'bash scripts/elasticsearch stop' EXIT
fi

.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
