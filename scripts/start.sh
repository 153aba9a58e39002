#!/usr/bin/env bash
# Quickstart 1: install everything, index the seeds with the offline defaults, open the chat page.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/rag ui "$@"
