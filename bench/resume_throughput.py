"""Résumé throughput: CVs per second for text extraction alone and for extraction + parsing.

It generates the labelled corpus of ``bench/resume_corpus.py`` (or reads ``--corpus DIR``),
loads the files into memory, repeats them to at least ``--docs`` documents (500 by
default), and measures, single process and with a pool of ``--procs`` processes (2 by
default):

* ``extract_text`` alone (the raw rate of PDF/DOCX text extraction), and
* ``extract_text`` + ``parse_resume`` (end to end),

plus ``parse_resume`` alone on the extracted texts (one core). Targets: end to end >= 50
CVs/s with 2 processes, and end to end at least half the rate of extraction alone. The
numbers go to ``bench/results/resume_throughput-<timestamp>.json``.

Run it:

    .venv/bin/python bench/resume_throughput.py
    .venv/bin/python bench/resume_throughput.py --docs 2000 --procs 2
    .venv/bin/python bench/resume_throughput.py --corpus DIR
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.resume_corpus import generate, load_corpus  # noqa: E402
from hireloop.domain.resumes.extract import extract_text  # noqa: E402
from hireloop.domain.resumes.parse import PARSER_VERSION, parse_resume  # noqa: E402

TARGET_END_TO_END = 50.0
TARGET_RATIO = 0.5


def _extract(data: bytes) -> int:
    return len(extract_text(data).text)


def _end_to_end(data: bytes) -> int:
    parsed = parse_resume(extract_text(data).text)
    return len(parsed.employment)


def _rate(func, docs: list[bytes], procs: int) -> float:  # type: ignore[no-untyped-def]
    if procs <= 1:
        start = time.perf_counter()
        for data in docs:
            func(data)
        return len(docs) / (time.perf_counter() - start)
    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(procs) as pool:
        pool.map(func, docs[: procs * 4])  # warm the workers (imports, fonts, caches)
        start = time.perf_counter()
        for _ in pool.imap_unordered(func, docs, chunksize=8):
            pass
        return len(docs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description="Résumé extraction and parsing throughput")
    parser.add_argument("--corpus", type=Path, help="a directory written by resume_corpus.py")
    parser.add_argument("--n", type=int, default=96, help="résumés to generate (default 96)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--docs", type=int, default=500, help="documents per measurement")
    parser.add_argument("--procs", type=int, default=2, help="pool size (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hireloop-cv-corpus-") as tmp:
        directory = args.corpus
        if directory is None:
            directory = Path(tmp)
            generate(directory, args.n, args.seed)
        files = [(path.read_bytes(), truth["format"]) for path, truth in load_corpus(directory)]
    if not files:
        raise SystemExit("empty corpus")
    docs = [data for data, _ in files]
    while len(docs) < args.docs:
        docs.extend(data for data, _ in files)
    docs = docs[: max(args.docs, len(files))]
    formats = Counter(fmt for _, fmt in files)

    for data in docs[:20]:  # warm up: imports, first-call caches
        _end_to_end(data)
    texts = [extract_text(data).text for data in docs]
    start = time.perf_counter()
    for text in texts:
        parse_resume(text)
    parse_only = len(texts) / (time.perf_counter() - start)

    results = {}
    for procs in sorted({1, args.procs}):
        extract_rate = _rate(_extract, docs, procs)
        e2e_rate = _rate(_end_to_end, docs, procs)
        results[procs] = {
            "extract_cvs_per_s": round(extract_rate, 1),
            "end_to_end_cvs_per_s": round(e2e_rate, 1),
            "ratio": round(e2e_rate / extract_rate, 3),
        }

    print(
        f"\nrésumé throughput — {len(docs)} documents from {len(files)} files {dict(formats)}, "
        f"parser {PARSER_VERSION}, {os.cpu_count()} CPUs"
    )
    print(f"parse_resume alone (1 process): {parse_only:8.1f} CVs/s")
    print(f"{'processes':>10}{'extract CVs/s':>16}{'extract+parse CVs/s':>22}{'ratio':>8}")
    for procs, row in results.items():
        print(
            f"{procs:>10}{row['extract_cvs_per_s']:>16.1f}{row['end_to_end_cvs_per_s']:>22.1f}"
            f"{row['ratio']:>8.2f}"
        )
    best = results[max(results)]
    e2e_pass = best["end_to_end_cvs_per_s"] >= TARGET_END_TO_END
    ratio_pass = all(r["ratio"] >= TARGET_RATIO for r in results.values())
    print(
        f"target: end to end >= {TARGET_END_TO_END:.0f} CVs/s with {max(results)} processes: "
        f"{'PASS' if e2e_pass else 'FAIL'}; end to end >= {TARGET_RATIO:.0%} of extraction: "
        f"{'PASS' if ratio_pass else 'FAIL'}"
    )

    out_dir = Path(__file__).resolve().parent / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"resume_throughput-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": "resume_throughput",
                "parser_version": PARSER_VERSION,
                "documents": len(docs),
                "files": len(files),
                "formats": dict(formats),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "parse_only_cvs_per_s": round(parse_only, 1),
                "by_processes": {str(k): v for k, v in results.items()},
                "targets": {"end_to_end_cvs_per_s": TARGET_END_TO_END, "ratio": TARGET_RATIO},
                "pass": {"end_to_end": e2e_pass, "ratio": ratio_pass},
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
