"""Résumé parsing accuracy: per-field precision, recall and F1 on a labelled corpus.

It generates the corpus of ``bench/resume_corpus.py`` into a temporary directory (or reads
``--corpus DIR``), runs ``extract_text`` + ``parse_resume`` on every file, and compares with
the ground truth:

* single fields (name, email, phone as E.164): a right answer is a true positive; a wrong
  answer is a false positive and a false negative; an absent answer is a false negative;
* list fields (employers, titles, schools, degrees, employment dates, skills, languages) are
  compared as multisets.

Strings are compared case-, whitespace- and accent-insensitively (punctuation at the ends
ignored). The targets (F1 >= 0.95 on name, email, phone, employers, titles, schools,
degrees) are shown as pass/fail; the exit code is always 0. The numbers are written as JSON
to ``bench/results/resume_accuracy-<timestamp>.json``.

Run it:

    .venv/bin/python bench/resume_accuracy.py                 # generate 96 résumés and score
    .venv/bin/python bench/resume_accuracy.py --n 200 --seed 3
    .venv/bin/python bench/resume_accuracy.py --corpus DIR    # a corpus written before
    .venv/bin/python bench/resume_accuracy.py --show-errors   # print every mismatch
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.resume_corpus import generate, load_corpus  # noqa: E402
from hireloop.domain.resumes.extract import extract_text  # noqa: E402
from hireloop.domain.resumes.parse import PARSER_VERSION, parse_resume  # noqa: E402

TARGET_FIELDS = ["name", "email", "phone", "employers", "titles", "schools", "degrees"]
INFO_FIELDS = ["dates", "skills", "languages"]
TARGET_F1 = 0.95


def norm(value: str | None) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", value.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split()).strip(" .,;:-–—|")


def values(field: str, parsed: dict | None, truth: dict) -> tuple[list[str], list[str]]:
    """(predicted, expected) as normalized lists."""
    p = parsed or {}
    if field == "name":
        name = (p.get("name") or {}).get("full")
        return [norm(name)] if name else [], [norm(truth["name"])]
    if field == "email":
        return ([norm(p["email"])] if p.get("email") else []), [norm(truth["email"])]
    if field == "phone":
        return ([p["phone_e164"]] if p.get("phone_e164") else []), [truth["phone_e164"]]
    if field == "employers":
        return (
            [norm(j["employer"]) for j in p.get("employment", []) if j.get("employer")],
            [norm(j["employer"]) for j in truth["employment"]],
        )
    if field == "titles":
        return (
            [norm(j["title"]) for j in p.get("employment", []) if j.get("title")],
            [norm(j["title"]) for j in truth["employment"]],
        )
    if field == "schools":
        return (
            [norm(s["school"]) for s in p.get("education", []) if s.get("school")],
            [norm(s["school"]) for s in truth["education"]],
        )
    if field == "degrees":
        return (
            [norm(s["degree"]) for s in p.get("education", []) if s.get("degree")],
            [norm(s["degree"]) for s in truth["education"]],
        )
    if field == "dates":

        def key(j: dict) -> str:
            return f"{j.get('start')}|{'present' if j.get('current') else j.get('end')}"

        return ([key(j) for j in p.get("employment", [])], [key(j) for j in truth["employment"]])
    if field == "skills":
        return [norm(s) for s in p.get("skills", [])], [norm(s) for s in truth["skills"]]
    if field == "languages":
        return [norm(s) for s in p.get("languages", [])], [norm(s) for s in truth["languages"]]
    raise KeyError(field)


def score(pred: list[str], gold: list[str]) -> tuple[int, int, int]:
    pc, gc = Counter(pred), Counter(gold)
    tp = sum((pc & gc).values())
    return tp, sum(pc.values()) - tp, sum(gc.values()) - tp


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def run(corpus: list[tuple[Path, dict]], show_errors: bool) -> dict:
    fields = TARGET_FIELDS + INFO_FIELDS
    totals = {f: [0, 0, 0] for f in fields}
    by_template: dict[str, list[int]] = {}
    failures = 0
    parse_seconds = 0.0
    for path, truth in corpus:
        parsed = None
        try:
            text = extract_text(path.read_bytes()).text
            t0 = time.perf_counter()
            parsed = parse_resume(text, default_region=truth.get("default_region")).model_dump()
            parse_seconds += time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - a failure is scored as all-missing
            failures += 1
            print(f"  ! {path.name}: {exc}")
        tmpl = by_template.setdefault(truth["template"], [0, 0, 0])
        for f in fields:
            pred, gold = values(f, parsed, truth)
            tp, fp, fn = score(pred, gold)
            totals[f][0] += tp
            totals[f][1] += fp
            totals[f][2] += fn
            if f in TARGET_FIELDS:
                tmpl[0] += tp
                tmpl[1] += fp
                tmpl[2] += fn
            if show_errors and (fp or fn) and f in TARGET_FIELDS + ["dates"]:
                missing = list((Counter(gold) - Counter(pred)).elements())
                extra = list((Counter(pred) - Counter(gold)).elements())
                print(
                    f"  {path.name} [{truth['template']}/{truth['lang']}] {f}: "
                    f"missing={missing} extra={extra}"
                )
    rows = {}
    for f in fields:
        p, r, f1 = prf(*totals[f])
        rows[f] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "tp": totals[f][0],
            "fp": totals[f][1],
            "fn": totals[f][2],
            "target": TARGET_F1 if f in TARGET_FIELDS else None,
            "pass": (f1 >= TARGET_F1) if f in TARGET_FIELDS else None,
        }
    overall = [sum(totals[f][i] for f in TARGET_FIELDS) for i in range(3)]
    p, r, f1 = prf(*overall)
    rows["overall"] = {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "tp": overall[0],
        "fp": overall[1],
        "fn": overall[2],
        "target": TARGET_F1,
        "pass": f1 >= TARGET_F1,
    }
    templates = {t: round(prf(*v)[2], 4) for t, v in sorted(by_template.items())}
    return {
        "fields": rows,
        "templates": templates,
        "failures": failures,
        "parse_ms_mean": round(parse_seconds / max(1, len(corpus)) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Résumé parsing accuracy (per-field P/R/F1)")
    parser.add_argument("--corpus", type=Path, help="a directory written by resume_corpus.py")
    parser.add_argument("--n", type=int, default=96, help="résumés to generate (default 96)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hireloop-cv-corpus-") as tmp:
        directory = args.corpus
        if directory is None:
            directory = Path(tmp)
            generate(directory, args.n, args.seed)
        corpus = load_corpus(directory)
        result = run(corpus, args.show_errors)

    formats = Counter(t["format"] for _, t in corpus)
    langs = Counter(t["lang"] for _, t in corpus)
    print(
        f"\nrésumé parsing accuracy — {len(corpus)} résumés {dict(formats)}, "
        f"languages {dict(langs)}, parser {PARSER_VERSION}"
    )
    print(
        f"{'field':<12}{'precision':>10}{'recall':>9}{'F1':>8}{'tp':>6}{'fp':>5}{'fn':>5}  target"
    )
    for f, row in result["fields"].items():
        mark = "" if row["target"] is None else ("PASS" if row["pass"] else "FAIL")
        if f == "overall":
            print("-" * 64)
        print(
            f"{f:<12}{row['precision']:>10.3f}{row['recall']:>9.3f}{row['f1']:>8.3f}"
            f"{row['tp']:>6}{row['fp']:>5}{row['fn']:>5}  {mark}"
        )
    print(
        "\nF1 of the target fields by template: "
        + ", ".join(f"{t} {v:.3f}" for t, v in result["templates"].items())
    )
    print(
        f"parse_resume mean {result['parse_ms_mean']} ms; files that failed: {result['failures']}"
    )

    out_dir = Path(__file__).resolve().parent / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = {
        "benchmark": "resume_accuracy",
        "parser_version": PARSER_VERSION,
        "documents": len(corpus),
        "formats": dict(formats),
        "languages": dict(langs),
        "seed": args.seed if args.corpus is None else None,
        **result,
    }
    out = out_dir / f"resume_accuracy-{stamp}.json"
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
