"""What redaction removes before scoring: contact details, personal-data fields and
gendered pronouns, in every case and format a CV writes them."""

from __future__ import annotations

import pytest

from hireloop.domain.screening.text import redact


@pytest.mark.parametrize(
    "line",
    [
        "Phone: +33 6 12 34 56 78",
        "Tel 0033 6 12 34 56 78",
        "Call (555) 123-4567",
        "Mobile 06 12 34 56 78",
        "Portfolio https://camille.dev/work",
        "HTTPS://EXAMPLE.COM/ME",
        "www.Camille-Martin.fr",
        "LinkedIn.com/in/camille-martin",
        "GITHUB.COM/camille",
        "Date of Birth: 12/03/1990",
        "NATIONALITY: French",
        "age = 32",
        "Marital Status: married",
        "Pronouns: she/her",
    ],
)
def test_contact_details_and_personal_fields_are_removed(line: str) -> None:
    out = redact(f"Python developer\n{line}\nKubernetes")
    assert out.splitlines()[0] == "Python developer"
    assert out.splitlines()[-1] == "Kubernetes"
    rest = " ".join(out.splitlines()[1:-1])
    for gone in ("33", "555", "06", "camille", "CAMILLE", "EXAMPLE", "12/03", "French", "32",
                 "married", "she/her"):  # fmt: skip
        assert gone not in rest


def test_gendered_pronouns_become_neutral_in_any_case() -> None:
    assert redact("He led the team. SHE wrote his tests and hers.") == (
        "They led the team. They wrote their tests and theirs."
    )


def test_words_that_only_contain_them_are_kept() -> None:
    text = "Shell scripting, Heroku, GitHub Actions, Agents, Photoshop, the wwwroot folder"
    assert redact(text) == text


def test_contact_lines_personal_phrases_and_honorifics_in_a_cv() -> None:
    text = (
        "Camille Martin\ncamille.martin+jobs@example.co.uk | LinkedIn.COM/in/cm\n"
        "Born in 1990, 34 years old\nMs Martin led the team; they is remote\nPython: 7 years"
    )
    # The lines left empty go (with the name, the honorific before it and the birth year).
    assert redact(text, ["Camille Martin"]) == "led the team; they are remote\nPython: 7 years"
    assert redact("No address here: a @ b, www or .com") == "No address here: a @ b, www or .com"
