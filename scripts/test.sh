#!/usr/bin/env bash
# Quickstart 2: install everything (Python packages, Chromium, CJK fonts, poppler, llama.cpp server) and run all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
   || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  echo "==> installing Debian chromium, chromium-driver, fonts-noto-cjk and poppler-utils"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null
fi
if [ -f scripts/ensure_llama_cpp.sh ]; then
  bash scripts/ensure_llama_cpp.sh .venv/bin/python
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 RAG_REQUIRE_LLM=1
exec .venv/bin/python -m pytest "$@"
