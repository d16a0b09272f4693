"""A job's screening criteria (Taptalent ``criterionDetails``): Must Have, Nice to Have, Bonus.

``Job.criteria`` is a JSON document whose shape depends on who wrote it. ``normalize_criteria``
accepts all of these and returns one ``JobCriteria``:

1. Grouped by category (keys in camelCase, snake_case or words, any case)::

       {"mustHave": ["Python", "3+ years backend"], "niceToHave": ["Kubernetes"],
        "bonus": ["Tagalog"]}
       {"must_have": [...], "nice_to_have": [...], "bonus": [...]}
       {"Must Have": [...], "Nice to Have": [...], "Bonus": [...]}

   Other recognised group names: ``required``/``mandatory`` (must have), ``preferred``/
   ``optional``/``desired`` (nice to have), ``plus``/``extra`` (bonus). A group may be a list
   or a single string (split on new lines, semicolons and commas not followed by a digit).

2. A Taptalent-style list, one object per criterion::

       [{"category": "Must Have", "criterion": "3+ years Python"},
        {"category": "Bonus", "criterion": "Open-source contributions"}]

   The category may be under ``category``/``type``/``priority``/``importance``/``level``/
   ``group``; the text under ``criterion``/``text``/``name``/``description``/``value``/
   ``label``/``title``/``skill``. An object without a category is a must have. A list item
   that is a plain string is a must have.

3. The same list wrapped as the Partner API stores it: ``{"items": [...]}`` (also
   ``{"criterionDetails": [...]}`` and ``{"criteria": [...]}``).

4. A plain string: one criterion per line (or ``;``). A line may start with its category:
   ``"Must have: Python"``, ``"Nice to have - Docker"``, ``"Bonus: Spanish"``.

An unknown category counts as nice to have; empty texts are dropped, duplicates (same text,
case-insensitive) kept once, in the strongest category. Each criterion is analysed once:
the skills it names (``text.LEXICON``), a minimum of years ("3+ years"), a degree level
("Bachelor's degree") and its remaining keywords, which the scorer checks when it names
no known skill. "Python or Go" and "Python/Go" are met by either skill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hireloop.domain.screening.text import (
    LEXICON,
    content_stems,
    degree_level,
    years_in,
)

MUST = "must_have"
NICE = "nice_to_have"
BONUS = "bonus"
CATEGORIES = (MUST, NICE, BONUS)
CATEGORY_LABELS = {MUST: "must-have", NICE: "nice-to-have", BONUS: "bonus"}

_CATEGORY_WORDS = {
    MUST: ("must", "required", "require", "mandatory", "essential", "need", "critical"),
    NICE: ("nice", "preferred", "prefer", "optional", "desired", "desirable", "should"),
    BONUS: ("bonus", "plus", "extra", "advantage", "asset"),
}
_CATEGORY_KEYS = ("category", "type", "priority", "importance", "level", "group", "kind")
_TEXT_KEYS = ("criterion", "text", "name", "description", "value", "label", "title", "skill")
_LIST_KEYS = ("items", "criterionDetails", "criteria", "criterion_details")
_LINE_PREFIX = re.compile(
    r"^\s*(must[\s_-]*haves?|nice[\s_-]*to[\s_-]*haves?|bonus(?:es)?|required|preferred|plus)"
    r"\s*[:\-–]\s*(.+)$",
    re.I,
)
_SPLIT = re.compile(r"\n|;|,(?!\s*\d)")
# Words of a criterion that are about years, degrees or its category, not its subject.
_FILLER = frozenset(
    [
        "year",
        "yr",
        "experience",
        "degree",
        "bachelor",
        "master",
        "phd",
        "doctorate",
        "diploma",
        "minimum",
        "least",
        "plus",
        "must",
        "nice",
        "have",
        "bonus",
        "required",
        "preferred",
        "hand",
        "hands-on",
        "proven",
        "strong",
        "solid",
        "good",
        "knowledge",
        "familiarity",
        "familiar",
        "with",
        "proficiency",
        "proficient",
        "background",
    ]
)


@dataclass(frozen=True, slots=True)
class Criterion:
    text: str
    category: str
    skills: frozenset[str] = frozenset()
    any_of: bool = False  # "Python or Go": one of the skills is enough
    min_years: int | None = None
    degree_level: int | None = None
    keywords: tuple[str, ...] = ()  # content stems left once skills/years/degree are taken

    @property
    def is_skill_only(self) -> bool:
        return bool(self.skills) and self.min_years is None and self.degree_level is None


@dataclass(frozen=True, slots=True)
class JobCriteria:
    must_have: tuple[Criterion, ...] = ()
    nice_to_have: tuple[Criterion, ...] = ()
    bonus: tuple[Criterion, ...] = ()
    skills: frozenset[str] = field(default=frozenset())  # every skill any criterion names

    def by_category(self, category: str) -> tuple[Criterion, ...]:
        return getattr(self, category)

    @property
    def is_empty(self) -> bool:
        return not (self.must_have or self.nice_to_have or self.bonus)

    def all(self) -> tuple[Criterion, ...]:
        return self.must_have + self.nice_to_have + self.bonus

    def to_json(self) -> dict[str, list[str]]:
        """The grouped shape (1. above), the one hireloop writes."""
        return {
            "mustHave": [c.text for c in self.must_have],
            "niceToHave": [c.text for c in self.nice_to_have],
            "bonus": [c.text for c in self.bonus],
        }


def category_of(label: Any) -> str | None:
    """MUST / NICE / BONUS for a label such as "Must Have", "mustHave", "NICE_TO_HAVE"."""
    if not isinstance(label, str):
        return None
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", label).lower()
    words = re.sub(r"[^a-z]+", " ", words)
    for category in (MUST, BONUS, NICE):  # "nice to have" holds "have", not "must"
        if any(w in words.split() for w in _CATEGORY_WORDS[category]):
            return category
    return None


def analyse(text: str, category: str) -> Criterion:
    """One criterion with the skills, years, degree and keywords its text names."""
    text = " ".join(text.split())
    skills = frozenset(LEXICON.extract(text, short=True))
    lowered = f" {text.lower()} "
    any_of = len(skills) > 1 and (" or " in lowered or "/" in text or " either " in lowered)
    min_years = years_in(text)
    level = (
        degree_level(text)
        if re.search(
            r"degree|bachelor|master|ph\.?d|diploma|"
            r"\bb\.?sc?\b|\bm\.?sc?\b|mba|doctor",
            text,
            re.I,
        )
        else None
    )
    skill_words = set()
    for s in skills:
        skill_words.update(content_stems(s))
    for alias_key, name in LEXICON.loose.items():
        if name in skills:
            skill_words.update(alias_key)
    keywords = tuple(
        dict.fromkeys(w for w in content_stems(text) if w not in skill_words and w not in _FILLER)
    )
    return Criterion(
        text=text,
        category=category,
        skills=skills,
        any_of=any_of,
        min_years=min_years,
        degree_level=level,
        keywords=keywords,
    )


def _texts(value: Any) -> list[str]:
    """Criterion texts from a group value: list of strings/objects, or one string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip(" -•*\t") for p in _SPLIT.split(value) if p.strip(" -•*\t")]
    if isinstance(value, dict):
        t = _item_text(value)
        return [t] if t else []
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            if isinstance(item, str):
                if item.strip():
                    out.append(item.strip())
            elif isinstance(item, dict):
                t = _item_text(item)
                if t:
                    out.append(t)
        return out
    return []


def _item_text(item: dict[str, Any]) -> str | None:
    for key in _TEXT_KEYS:
        v = item.get(key)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _item_category(item: dict[str, Any]) -> str | None:
    for key in _CATEGORY_KEYS:
        if key in item:
            return category_of(item[key]) or NICE
    return None


def _from_list(items: list[Any], found: list[tuple[str, str]]) -> None:
    for item in items:
        if isinstance(item, str):
            _from_string(item, found, default=MUST)
        elif isinstance(item, dict):
            text = _item_text(item)
            if text:
                found.append((_item_category(item) or MUST, text))


def _from_string(value: str, found: list[tuple[str, str]], default: str = MUST) -> None:
    for line in re.split(r"\n|;", value):
        line = line.strip(" -•*\t")
        if not line:
            continue
        m = _LINE_PREFIX.match(line)
        if m:
            category = category_of(m.group(1)) or default
            found.extend((category, t) for t in _texts(m.group(2)))
        else:
            found.append((default, line))


def normalize_criteria(raw: Any) -> JobCriteria:
    """Any accepted shape (see the module docstring) -> ``JobCriteria``. Never raises."""
    found: list[tuple[str, str]] = []
    if isinstance(raw, str):
        _from_string(raw, found)
    elif isinstance(raw, list | tuple):
        _from_list(list(raw), found)
    elif isinstance(raw, dict):
        for key in _LIST_KEYS:
            if isinstance(raw.get(key), list | str):
                value = raw[key]
                if isinstance(value, str):
                    _from_string(value, found)
                else:
                    _from_list(value, found)
        for key, value in raw.items():
            if key in _LIST_KEYS:
                continue
            category = category_of(key)
            if category is None:
                continue
            found.extend((category, t) for t in _texts(value))
    groups: dict[str, list[Criterion]] = {MUST: [], NICE: [], BONUS: []}
    seen: dict[str, str] = {}
    order = {MUST: 0, NICE: 1, BONUS: 2}
    for category, text in sorted(found, key=lambda ct: order[ct[0]]):
        key = " ".join(text.lower().split())
        if not key or key in seen:
            continue
        seen[key] = category
        groups[category].append(analyse(text[:500], category))
    every = groups[MUST] + groups[NICE] + groups[BONUS]
    return JobCriteria(
        must_have=tuple(groups[MUST]),
        nice_to_have=tuple(groups[NICE]),
        bonus=tuple(groups[BONUS]),
        skills=frozenset(s for c in every for s in c.skills),
    )
