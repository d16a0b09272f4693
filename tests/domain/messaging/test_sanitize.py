"""The script check of recruiters' HTML (templates, campaign messages): it reads the parsed
HTML, so harmless links and words pass and obfuscated script URLs are refused."""

from __future__ import annotations

import pytest

from hireloop.domain.messaging.sanitize import check_html, check_template_html, clean_html
from hireloop.errors import Invalid


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="https://careers.example.com/start?onboarding=1">Start</a></p>',
        '<a href="https://x.example/?online=1&amp;oncall=2">Shifts</a>',
        "<p>Welcome aboard, online=welcome</p>",
        "<p>We use javascript: and vbscript: in our tools.</p>",
        '<p title="Only one">Hi</p>',
        '<a href="mailto:hr@company.com">HR</a>',
    ],
)
def test_links_and_words_that_only_look_like_scripts_are_kept(html: str) -> None:
    assert check_html(html) == clean_html(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hi</p><script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
        '<iframe src="https://x.example"></iframe>',
        '<frameset><frame src="x"></frameset>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<applet code="X.class"></applet>',
        '<img src="x" onerror="x()">',
        '<p ONCLICK="x()">Hi</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        "<a href=' JaVa&#10;Script:alert(1)'>x</a>",
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="vbscript&colon;msgbox(1)">x</a>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ],
)
def test_scripts_frames_handlers_and_script_urls_are_refused(html: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_html(html, "email_html")
    assert refused.value.message == "HTML must not contain scripts, frames or event handlers."
    assert refused.value.details == {"email_html": "scripts are not allowed"}


def test_template_tokens_in_links_pass_the_check() -> None:
    cleaned = check_template_html('<a href="@messenger_interview_link?onboarding=1">Go</a>')
    assert cleaned == (
        '<a href="{{messenger_interview_link}}?onboarding=1" rel="noopener noreferrer">Go</a>'
    )
