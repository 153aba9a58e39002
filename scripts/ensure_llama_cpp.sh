#!/usr/bin/env bash
# Make sure llama-cpp-python (with its [server] extra) is installed in a Python environment.
#
# Usage: scripts/ensure_llama_cpp.sh [PYTHON]      (default: python)
#
# * If `llama_cpp` (pinned version) and `llama_cpp.server` are importable in PYTHON: exit 0 at once.
# * Otherwise build the llama-cpp-python wheel from source ONCE with portable CPU flags into a cache
#   dir of our own, keyed by a sha of (version + CMAKE_ARGS), then install it plus the server extra
#   deps (from PyPI, normally).
#
# Why our own cache: pip's wheel cache does not take CMAKE_ARGS into account, and the default
# GGML_NATIVE=ON build crashes at the first generation on some CPUs (AMX code path), so we always
# build with explicit, portable flags and never reuse a pip-cached wheel.
#
# Environment overrides:
#   LLAMA_CPP_VERSION      version to pin (default below)
#   LLAMA_CPP_CMAKE_ARGS   CMake flags (default below)
#   RAG_NEWS_ZH_CACHE      cache root (default $RAG_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/rag-news-zh)
set -euo pipefail

PY="${1:-python}"
LLAMA_CPP_VERSION="${LLAMA_CPP_VERSION:-0.3.36}"
LLAMA_CPP_CMAKE_ARGS="${LLAMA_CPP_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON}"
CACHE_ROOT="${RAG_NEWS_ZH_CACHE:-${RAG_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rag-news-zh}}"

log() { echo "[ensure_llama_cpp] $*"; }

if ! command -v "$PY" >/dev/null 2>&1; then
    log "python executable not found: $PY" >&2
    exit 2
fi

is_ready() {
    "$PY" - "$LLAMA_CPP_VERSION" <<'EOF' >/dev/null 2>&1
import sys
import llama_cpp
import llama_cpp.server.app  # noqa: F401  (needs fastapi, uvicorn, sse_starlette, ...)
sys.exit(0 if llama_cpp.__version__ == sys.argv[1] else 1)
EOF
}

if is_ready; then
    log "llama-cpp-python ${LLAMA_CPP_VERSION} with [server] already importable in $PY; nothing to do."
    exit 0
fi

KEY="$(printf 'llama-cpp-python==%s\n%s\n' "$LLAMA_CPP_VERSION" "$LLAMA_CPP_CMAKE_ARGS" | sha256sum | cut -c1-16)"
WHEEL_DIR="$CACHE_ROOT/wheels/$KEY"
mkdir -p "$WHEEL_DIR"

find_wheel() {
    ls -1 "$WHEEL_DIR"/llama_cpp_python-"${LLAMA_CPP_VERSION}"-*.whl 2>/dev/null | head -n 1 || true
}

# Serialize concurrent builds (two CI jobs / test sessions on one machine).
exec 9>"$WHEEL_DIR/.lock"
flock 9

WHEEL="$(find_wheel)"
if [[ -n "$WHEEL" ]]; then
    log "using cached wheel: $WHEEL"
else
    log "no cached wheel in $WHEEL_DIR"
    log "building llama-cpp-python==${LLAMA_CPP_VERSION} from source (takes several minutes)"
    log "CMAKE_ARGS=$LLAMA_CPP_CMAKE_ARGS"
    TMP_DIR="$(mktemp -d "$WHEEL_DIR/.build.XXXXXX")"
    trap 'rm -rf "$TMP_DIR"' EXIT
    start=$(date +%s)
    CMAKE_ARGS="$LLAMA_CPP_CMAKE_ARGS" \
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}" \
        "$PY" -m pip wheel --no-deps --no-cache-dir --no-binary llama-cpp-python \
            --wheel-dir "$TMP_DIR" "llama-cpp-python==${LLAMA_CPP_VERSION}"
    built="$(ls -1 "$TMP_DIR"/llama_cpp_python-*.whl | head -n 1)"
    mv "$built" "$WHEEL_DIR/"
    WHEEL="$WHEEL_DIR/$(basename "$built")"
    log "built $WHEEL in $(( $(date +%s) - start )) s"
fi

log "installing ${WHEEL}[server] into $PY"
"$PY" -m pip install "${WHEEL}[server]"

if is_ready; then
    log "done: llama-cpp-python ${LLAMA_CPP_VERSION} with [server] importable in $PY"
else
    log "ERROR: llama_cpp / llama_cpp.server still not importable (or wrong version) after install" >&2
    "$PY" -c "import llama_cpp, llama_cpp.server.app; print(llama_cpp.__version__)" >&2 || true
    exit 1
fi
