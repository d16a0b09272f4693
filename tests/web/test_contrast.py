"""Colour contrast of the app's and career pages' own CSS (WCAG 2.1 AA): text 4.5:1,
form-field borders and the focus ring 3:1 (1.4.11) against the surfaces they sit on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "hireloop" / "web" / "static"
WHITE = "#ffffff"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _css(name: str) -> str:
    return (STATIC / name).read_text()


def _var(css: str, name: str) -> str:
    match = re.search(rf"{re.escape(name)}:\s*(#[0-9a-fA-F]{{6}})", css)
    assert match, name
    return match.group(1).lower()


def test_the_contrast_ratio_is_computed_as_wcag_defines_it() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)


def test_app_fields_focus_ring_and_text_stand_out() -> None:
    css = _css("app.css")
    background = _var(css, "--c-bg")
    for surface in (WHITE, background):
        assert contrast(_var(css, "--c-border-strong"), surface) >= 3  # inputs, toggles
        assert contrast(_var(css, "--c-focus"), surface) >= 3  # :focus-visible outline
        assert contrast(_var(css, "--c-muted"), surface) >= 4.5


def test_the_unread_count_badge_is_readable() -> None:
    css = _css("campaign_view.css")
    block = re.search(r"\.cv-count \{([^}]*)\}", css)
    assert block
    background = re.search(r"background: (#[0-9a-fA-F]{6})", block.group(1))
    assert background and contrast(background.group(1), WHITE) >= 4.5


def test_future_wizard_steps_are_not_faded() -> None:
    # An opacity on the step's text would take the muted colour below 4.5:1.
    assert not re.search(r"\.cs-step-later\s*\{[^}]*opacity", _css("campaign_settings.css"))


def test_career_pages_fields_and_focus_ring_stand_out() -> None:
    css = _css("careers.css")
    focus = re.search(r":focus-visible \{ outline: 3px solid (#[0-9a-fA-F]{6})", css)
    assert focus and contrast(focus.group(1), WHITE) >= 3
    border = re.search(r"border: 1px solid (#[0-9a-fA-F]{6}); /\*", css)
    assert border and contrast(border.group(1), WHITE) >= 3
