"""The command line's --help and usage errors, as a user reads them (no database needed)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from hireloop.cli import app

runner = CliRunner()

# A flag's help line: the flag(s), then spaces, then the help text, no value in between.
FLAGS = {
    ("demo",): ["--json", "--help"],
    ("company", "create"): ["--json", "--help"],
    ("apikey", "create"): ["--secret", "--test", "--help"],
    ("serve",): ["--worker / --no-worker", "--help"],
    ("import", "resumes"): ["--help"],
    ("import", "csv"): ["--help"],
}


def _help(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", list(FLAGS), ids=" ".join)
def test_flags_are_shown_without_a_value(command: tuple[str, ...]) -> None:
    text = _help(*command)
    assert "<bool>" not in text
    for flag in FLAGS[command]:
        assert re.search(rf"^\s+{re.escape(flag)}\s{{2,}}[A-Z]", text, re.M), (flag, text)


def test_options_that_take_a_value_show_its_type() -> None:
    text = _help("import", "csv")
    assert re.search(r"--job <int>\s+The campaign", text), text


def test_import_resumes_help_says_what_workers_0_means() -> None:
    text = " ".join(_help("import", "resumes").split())
    assert "--workers" in text
    assert "0 = one per CPU core" in text
    assert "[default: 0" in text


def test_a_usage_error_exits_2_with_clicks_message() -> None:
    result = runner.invoke(app, ["import", "csv", "leads.csv"], prog_name="hireloop")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: hireloop import csv [OPTIONS]"), result.stderr
    assert "Try 'hireloop import csv --help' for help." in result.stderr
    assert "Error: Missing option '--job'." in result.stderr
    assert "╭" not in result.stderr


def test_negative_workers_is_a_usage_error() -> None:
    result = runner.invoke(app, ["import", "resumes", ".", "--workers", "-1"])
    assert result.exit_code == 2
    assert "--workers" in result.stderr
