#!/usr/bin/env bash
# make serve: one Streamlit replica per core behind HAProxy (Debian's package, installed here when missing).
#   ATLAS_ADDRESS (default 127.0.0.1) and ATLAS_PORT (default 8501): where the balancer listens;
#   replicas listen on 127.0.0.1:8511, 8512, ... ; extra arguments go to `python -m serve` (--replicas N, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --serve
exec .venv/bin/python -m serve "$@"
