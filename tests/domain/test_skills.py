"""The one skills vocabulary (resumes/data/skills.txt) and its two users."""

from __future__ import annotations

from hireloop.domain.resumes import parse
from hireloop.domain.screening import text
from hireloop.domain.skills import SkillEntry, parse_entries, skill_entries, skill_names


def test_parse_entries_splits_names_aliases_and_exact_terms() -> None:
    entries = parse_entries(
        "# comment\n\nPython | python3\n=Go | golang\nReact | =React | react.js\n  |  \n"
    )
    assert entries == (
        SkillEntry("Python", ("Python", "python3"), ()),
        SkillEntry("Go", ("golang",), ("Go",)),
        SkillEntry("React", ("React", "react.js"), ("React",)),
    )


def test_shipped_vocabulary_is_read_once_and_has_unique_names() -> None:
    entries = skill_entries()
    assert entries is skill_entries()
    assert len(entries) > 900
    names = [e.name for e in entries]
    assert len(names) == len(set(names))
    assert {"Python", "Go", "PostgreSQL", "Patient Care", "Ventilator management"} <= skill_names()


def test_parser_and_screening_share_the_vocabulary() -> None:
    names = skill_names()
    assert set(parse._VOCAB.phrases.values()) | set(parse._VOCAB.exact.values()) == names
    assert names <= text.LEXICON.names


def test_screening_only_adds_implications_languages_and_cues() -> None:
    assert set(text.IMPLIES) <= skill_names()
    assert {n for v in text.IMPLIES.values() for n in v} <= text.LEXICON.names
    extra = text.LEXICON.names - skill_names()
    assert extra == {
        "English", "French", "Spanish", "German", "Portuguese", "Italian",
        "Mandarin", "Arabic", "Hindi", "Japanese", "Tagalog",
    }  # fmt: skip


def test_implications_add_the_implied_skill() -> None:
    assert text.LEXICON.extract("Laravel and DRF") == {
        "Laravel",
        "PHP",
        "Django REST Framework",
        "Django",
    }
    assert text.LEXICON.extract("Helm charts") == {"Helm", "Kubernetes"}


def test_exact_case_terms_need_their_case_in_free_text_only() -> None:
    assert "Go" not in text.LEXICON.extract("ready to go")
    assert "Go" in text.LEXICON.extract("Go and golang")
    assert text.LEXICON.extract("go", short=True) == {"Go"}
    found: dict[str, None] = {}
    parse._match_skills("we go live; React, Go", found)
    assert list(found) == ["React", "Go"]


def test_a_synonym_in_the_file_serves_both_users() -> None:
    found: dict[str, None] = {}
    parse._match_skills("Intensive care unit, NCLEX", found)
    assert list(found) == ["Critical Care", "RN License"]
    assert text.LEXICON.extract("intensive care unit, NCLEX") == {"Critical Care", "RN License"}
