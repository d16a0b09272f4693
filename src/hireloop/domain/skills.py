"""The skills vocabulary: the one loader of ``resumes/data/skills.txt``.

Both the résumé parser (``resumes.parse``) and screening (``screening.text``) build their
matchers from these entries, so a skill or an alias added to the file is known to both.

File format, one skill a line: the canonical name first, then aliases, separated by ``|``;
``#`` starts a comment line. A term written ``=Term`` is matched only with exactly that
casing (short names that are also ordinary words: Go, R, C, React). When the canonical name
itself is written ``=Name``, the name is exact-case only too.

Each consumer tokenises the terms its own way; this module only reads and splits the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SKILLS_FILE = Path(__file__).parent / "resumes" / "data" / "skills.txt"


@dataclass(frozen=True, slots=True)
class SkillEntry:
    """One line of the vocabulary."""

    name: str  # canonical name, as reported
    aliases: tuple[str, ...]  # matched case-insensitively (the name first, unless "=Name")
    exact: tuple[str, ...]  # matched only with this exact casing


def parse_entries(text: str) -> tuple[SkillEntry, ...]:
    """Entries of a vocabulary text, in file order (earlier lines win on a shared alias)."""
    entries: list[SkillEntry] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        terms = [t.strip() for t in line.split("|") if t.strip()]
        if not terms:
            continue
        aliases: list[str] = []
        exact: list[str] = []
        for term in terms:
            if term.startswith("="):
                if term[1:].strip():
                    exact.append(term[1:].strip())
            else:
                aliases.append(term)
        entries.append(
            SkillEntry(
                name=terms[0].lstrip("=").strip(), aliases=tuple(aliases), exact=tuple(exact)
            )
        )
    return tuple(entries)


@lru_cache(maxsize=1)
def skill_entries() -> tuple[SkillEntry, ...]:
    """The shipped vocabulary, read once."""
    return parse_entries(SKILLS_FILE.read_text(encoding="utf-8"))


def skill_names() -> frozenset[str]:
    """Every canonical skill name."""
    return frozenset(e.name for e in skill_entries())
