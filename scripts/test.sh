#!/usr/bin/env bash
# Set up and run the whole test suite (lint + pytest). Extra arguments go to pytest.
#
# Tests that need Elasticsearch run against GDI_ELASTICSEARCH_URL. With CI set (or
# GDI_TEST_ELASTICSEARCH=1) and no URL given, this script starts a local node itself with
# scripts/elasticsearch and stops it afterwards; in CI those tests never skip. Tests that need a
# SPARQL server run against GDI_TEST_SPARQL_URL; with CI set (or GDI_TEST_SPARQL=1) and no URL, this
# script starts Apache Jena Fuseki with scripts/fuseki and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

started=()
stop_engines() { for engine in ${started[@]+"${started[@]}"}; do bash "scripts/$engine" stop || true; done; }
trap stop_engines EXIT

if { [ -n "${CI:-}" ] || [ "${GDI_TEST_ELASTICSEARCH:-}" = "1" ]; } && [ -z "${GDI_ELASTICSEARCH_URL:-}" ]; then
  bash scripts/engine-deps.sh
  GDI_ELASTICSEARCH_URL="$(bash scripts/elasticsearch start)"
  export GDI_ELASTICSEARCH_URL
  started+=(elasticsearch)
fi

if { [ -n "${CI:-}" ] || [ "${GDI_TEST_SPARQL:-}" = "1" ]; } && [ -z "${GDI_TEST_SPARQL_URL:-}" ]; then
  bash scripts/engine-deps.sh
  GDI_TEST_SPARQL_URL="$(bash scripts/fuseki start)"
  export GDI_TEST_SPARQL_URL
  started+=(fuseki)
fi

.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
