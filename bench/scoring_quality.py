"""Screening quality benchmark: ranking quality, name-blindness and speed of each scorer.

The data (``bench/data/scoring_set.json``) is a hand-labelled relevance set: 12 jobs from
different fields (software, data, DevOps, nursing, accounting, sales, marketing, warehouse,
customer support, teaching, electrical trade), each with criteria in one of the accepted
shapes, and 71 CVs as parsed résumés. Every CV has a graded relevance for every job (0 not
relevant — the default —, 1 weak, 2 partial, 3 strong fit), written by a person from the
CVs and jobs, before looking at any score; it includes hard negatives (a technical recruiter
whose CV is full of Python/Kubernetes words, a product manager for developer tools, ...).

What it measures, for each available scorer (``default``; ``ml`` when the ml extra is
installed):

1. NDCG@10 of each job's ranking of all CVs (gain 2^rel - 1; ties broken against the
   scorer: among equal scores the less relevant CV comes first), and the mean.
   Target: mean NDCG@10 >= 0.9.
2. Name swap: every CV rendered as a CV text under several names (women's and men's names
   from several countries, names that are also skill words — Ruby Swift, Go Eun-ji —, with
   gendered pronouns, honorifics, birth date, gender and nationality lines), parsed the way
   the app does (``ScreeningProfile.from_parsed``), scored against every job. Reported:
   the largest score difference between renderings of one CV. Target: <= 1 point.
3. Speed: milliseconds per score (``score_candidate`` on a ready profile), and per
   "profile + score" as on a career-site apply (building the profile from the parsed CV and
   its text, then scoring). For ml the CV embedding is computed once per CV (cold), the job
   embedding is cached (warm) — the apply case.

Prints a table and writes JSON to ``bench/results/scoring_quality-<timestamp>.json``.

    .venv/bin/python bench/scoring_quality.py
    .venv/bin/python bench/scoring_quality.py --scorers default --names 4
    .venv/bin/python bench/scoring_quality.py --per-job     # NDCG of every job
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from hireloop.domain.resumes.schemas import ParsedResume  # noqa: E402
from hireloop.domain.screening import semantic as semantic_mod  # noqa: E402
from hireloop.domain.screening.schemas import JobProfile, ScreeningProfile  # noqa: E402
from hireloop.domain.screening.scorer import SemanticModel, score_candidate  # noqa: E402

DATA = ROOT / "data" / "scoring_set.json"
RESULTS_DIR = ROOT / "results"
TARGET_NDCG = 0.9
TARGET_SWAP = 1

# (first, last, gender, nationality, birth date)
NAMES: list[tuple[str, str, str, str, str]] = [
    ("Jane", "Doe", "Female", "American", "1990-04-12"),
    ("John", "Smith", "Male", "British", "1975-09-30"),
    ("Ruby", "Swift", "Female", "Australian", "1998-01-05"),
    ("Mohammed", "Al-Sayed", "Male", "Egyptian", "1988-07-21"),
    ("José", "García", "Male", "Mexican", "1969-11-02"),
    ("Nguyen", "Thi Lan", "Female", "Vietnamese", "1994-03-17"),
    ("Oluwaseun", "Adeyemi", "Male", "Nigerian", "1983-12-08"),
    ("Go", "Eun-ji", "Female", "Korean", "2001-06-25"),
    ("Will", "Young", "Male", "Canadian", "1960-02-14"),
    ("Priya", "Raman", "Female", "Indian", "1979-08-09"),
]
PRONOUNS = {"Female": ("She", "her", "Ms"), "Male": ("He", "his", "Mr")}


def load() -> dict[str, Any]:
    return json.loads(DATA.read_text())


def render(cv: dict[str, Any], name: tuple[str, str, str, str, str], variant: int) -> str:
    """The CV as a text document, the way people write them, with personal data."""
    first, last, gender, nationality, dob = name
    she, her, title = PRONOUNS[gender]
    slug = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("í", "i")
    lines = [f"{first} {last}".upper() if variant % 2 else f"{first} {last}"]
    lines.append(f"{slug}@example.com | +1 415 555 {1000 + variant:04d} | linkedin.com/in/{slug}")
    if variant % 3 != 2:
        lines.append(f"Gender: {gender} | Date of birth: {dob} | Nationality: {nationality}")
    lines.append("")
    lines.append("PROFILE")
    lines.append(cv["summary"])
    lines.append(f"{she} is open to new opportunities; {her} references are available on request.")
    lines.append("")
    lines.append("EXPERIENCE")
    for p in cv["employment"]:
        end = "Present" if p.get("current") else p.get("end")
        lines.append(f"{p['title']} — {p['employer']} ({p['start']} – {end})")
        if p.get("description"):
            lines.append(p["description"])
    lines.append("")
    lines.append("EDUCATION")
    for e in cv["education"]:
        lines.append(", ".join(x for x in (e.get("degree"), e.get("major"), e.get("school")) if x))
    lines.append("")
    lines.append("SKILLS")
    lines.append(", ".join(cv["skills"]))
    if cv.get("certifications"):
        lines.append("CERTIFICATIONS: " + ", ".join(cv["certifications"]))
    lines.append("LANGUAGES: " + ", ".join(cv["languages"]))
    lines.append("")
    lines.append(f"{title} {last} — {first} {last}")
    return "\n".join(lines)


def parsed(cv: dict[str, Any], name: tuple[str, str, str, str, str]) -> ParsedResume:
    first, last = name[0], name[1]
    return ParsedResume.model_validate(
        {
            "parser_version": "bench",
            "name": {"full": f"{first} {last}", "first": first, "last": last},
            "email": f"{first}.{last}@example.com".lower(),
            "summary": cv["summary"],
            "employment": cv["employment"],
            "education": cv["education"],
            "skills": cv["skills"],
            "languages": cv["languages"],
            "certifications": cv["certifications"],
        }
    )


def build_profile(cv: dict[str, Any], name_index: int = 0, variant: int = 0) -> ScreeningProfile:
    name = NAMES[name_index % len(NAMES)]
    return ScreeningProfile.from_parsed(parsed(cv, name), render(cv, name, variant))


def ndcg_at(ranked_labels: list[int], all_labels: list[int], k: int = 10) -> float:
    def dcg(labels: list[int]) -> float:
        return sum((2**rel - 1) / math.log2(i + 2) for i, rel in enumerate(labels[:k]))

    ideal = dcg(sorted(all_labels, reverse=True))
    return dcg(ranked_labels) / ideal if ideal else 1.0


def evaluate(
    name: str, semantic: SemanticModel | None, data: dict[str, Any], today: date, n_names: int
) -> dict[str, Any]:
    jobs = {j["id"]: JobProfile.build(j["title"], j["description"], criteria=j.get("criteria"),
                                      years_of_experience=j.get("years_of_experience"),
                                      degree_level=j.get("degree_level"))
            for j in data["jobs"]}  # fmt: skip
    cvs = data["cvs"]

    # Speed: profile + score (an apply), then score alone on ready profiles.
    t0 = time.perf_counter()
    profiles = {}
    for i, cv in enumerate(cvs):
        profiles[cv["id"]] = build_profile(cv, i)
        score_candidate(profiles[cv["id"]], jobs[data["jobs"][i % len(jobs)]["id"]],
                        semantic=semantic, today=today)  # fmt: skip
    apply_ms = (time.perf_counter() - t0) * 1000 / len(cvs)

    scores: dict[str, dict[str, int]] = {}
    t0 = time.perf_counter()
    n_scores = 0
    for job_id, job in jobs.items():
        scores[job_id] = {}
        for cv in cvs:
            scores[job_id][cv["id"]] = score_candidate(
                profiles[cv["id"]], job, semantic=semantic, today=today
            ).score
            n_scores += 1
    score_ms = (time.perf_counter() - t0) * 1000 / n_scores

    per_job = {}
    label_means: dict[int, list[int]] = {0: [], 1: [], 2: [], 3: []}
    for job_id in jobs:
        labels = {cv["id"]: int(cv["labels"].get(job_id, 0)) for cv in cvs}
        ranked = sorted(cvs, key=lambda cv: (-scores[job_id][cv["id"]], labels[cv["id"]]))
        per_job[job_id] = round(
            ndcg_at([labels[cv["id"]] for cv in ranked], list(labels.values())), 4
        )
        for cv in cvs:
            label_means[labels[cv["id"]]].append(scores[job_id][cv["id"]])
        per_job[job_id + ":top10"] = [
            f"{cv['id']}({labels[cv['id']]})={scores[job_id][cv['id']]}" for cv in ranked[:10]
        ]

    # Name swap: every CV under several names and renderings, against every job.
    max_delta = 0
    worst = None
    swaps = 0
    for cv in cvs:
        variants = [build_profile(cv, k, k) for k in range(n_names)]
        for job_id, job in jobs.items():
            got = [score_candidate(p, job, semantic=semantic, today=today).score for p in variants]
            swaps += len(got)
            delta = max(got) - min(got)
            if delta > max_delta:
                max_delta, worst = delta, f"{cv['id']} x {job_id}: {got}"
    return {
        "scorer": name,
        "ndcg_at_10_mean": round(statistics.mean(v for k, v in per_job.items() if ":" not in k), 4),
        "ndcg_at_10": {k: v for k, v in per_job.items() if ":" not in k},
        "top10": {k.split(":")[0]: v for k, v in per_job.items() if ":" in k},
        "mean_score_by_label": {
            str(k): round(statistics.mean(v), 1) for k, v in label_means.items() if v
        },
        "name_swap_max_delta": max_delta,
        "name_swap_worst": worst,
        "name_swap_scores": swaps,
        "ms_per_score": round(score_ms, 3),
        "ms_per_profile_and_score": round(apply_ms, 3),
        "pairs": n_scores,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scorers", default="default,ml", help="comma-separated: default, ml")
    parser.add_argument("--names", type=int, default=len(NAMES), help="renderings per CV")
    parser.add_argument("--per-job", action="store_true", help="print NDCG and top 10 per job")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/")
    args = parser.parse_args()
    data = load()
    today = date.fromisoformat(data["today"])
    n_names = max(2, min(args.names, len(NAMES)))
    wanted = [s.strip() for s in args.scorers.split(",") if s.strip()]
    results = []
    skipped = {}
    for name in wanted:
        semantic: SemanticModel | None = None
        if name == "ml":
            if not semantic_mod.is_available():
                skipped["ml"] = semantic_mod.MISSING_REASON
                continue
            t0 = time.perf_counter()
            semantic = semantic_mod.get_semantic_model()
            _ = semantic.model
            load_s = time.perf_counter() - t0
        elif name != "default":
            skipped[name] = "unknown scorer"
            continue
        res = evaluate(name, semantic, data, today, n_names)
        if name == "ml":
            res["model_load_seconds"] = round(load_s, 2)
        results.append(res)

    print(f"jobs={len(data['jobs'])} cvs={len(data['cvs'])} renderings per CV={n_names}")
    header = f"{'scorer':8} {'NDCG@10':>8} {'min job':>8} {'swapΔ':>6} {'ms/score':>9} {'ms/apply':>9}  mean score by label 0/1/2/3"
    print(header)
    print("-" * len(header))
    for r in results:
        worst_job = min(r["ndcg_at_10"], key=r["ndcg_at_10"].get)
        means = "/".join(str(r["mean_score_by_label"].get(str(k), "-")) for k in range(4))
        print(
            f"{r['scorer']:8} {r['ndcg_at_10_mean']:>8.3f} {r['ndcg_at_10'][worst_job]:>8.3f} "
            f"{r['name_swap_max_delta']:>6} {r['ms_per_score']:>9.3f} "
            f"{r['ms_per_profile_and_score']:>9.3f}  {means}   (worst job: {worst_job})"
        )
        if args.per_job:
            for job_id, v in r["ndcg_at_10"].items():
                print(f"    {job_id:12} {v:.3f}  {' '.join(r['top10'][job_id])}")
    for name, why in skipped.items():
        print(f"{name:8} skipped: {why}")
    ok = all(
        r["ndcg_at_10_mean"] >= TARGET_NDCG and r["name_swap_max_delta"] <= TARGET_SWAP
        for r in results
    )
    print(
        f"targets: NDCG@10 >= {TARGET_NDCG}, name swap <= {TARGET_SWAP} point: "
        + ("PASS" if ok else "FAIL")
    )
    if not args.no_json:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"scoring_quality-{datetime.now():%Y%m%d-%H%M%S}.json"
        out.write_text(
            json.dumps(
                {
                    "when": datetime.now().isoformat(timespec="seconds"),
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "data": str(DATA.relative_to(ROOT.parent)),
                    "targets": {"ndcg_at_10": TARGET_NDCG, "name_swap_max_delta": TARGET_SWAP},
                    "results": results,
                    "skipped": skipped,
                    "pass": ok,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        print(f"wrote {out.relative_to(ROOT.parent)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
