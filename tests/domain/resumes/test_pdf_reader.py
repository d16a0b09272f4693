"""PDFs are read by a separate process with a memory limit and a timeout: a decompression
bomb, a slow file or a crash costs that process, never the server's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from hireloop.config import Settings
from hireloop.domain.resumes import pdf_reader
from hireloop.domain.resumes.extract import (
    MAX_TEXT_CHARS,
    ExtractionError,
    _pdf_text_unlocked,
    _tidy,
    extract_text,
)
from tests.cv_files import make_image_only_pdf, make_pdf
from tests.pdf_bomb import flate_bomb_pdf, pdf_limits, peak_rss_growth, slow_pdf  # noqa: F401

TOO_LARGE = "^Failed to extract text from CV: the PDF is too large to read once decompressed$"
TOO_SLOW = "^Failed to extract text from CV: the PDF took too long to read$"


def reaped(pid: int) -> bool:
    """True once ``pid``, a child of this process, has ended and been waited for."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def gone(pid: int, seconds: float = 10.0) -> bool:
    """True once ``pid`` (not our child) no longer runs: no such process, or a zombie
    waiting for whoever adopted it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_the_text_is_what_pdfium_reads_in_process() -> None:
    lines = ["Jean Dupont", "jean.dupont@example.com", "Expérience — Zürich, 東京", "Skills"]
    pdfs = [
        make_pdf(lines),
        make_pdf(lines, pages=3),
        # 50 pages of ~4,000 characters, runs of spaces and tabs: cut at MAX_TEXT_CHARS.
        make_pdf(["word " * 20 + "   \t  x"] * 40, pages=50),
    ]
    for data in pdfs:
        raw, pages = _pdf_text_unlocked(data)  # PDFium in this process, as before
        result = extract_text(data)
        assert (result.text, result.format, result.pages) == (
            _tidy(raw)[:MAX_TEXT_CHARS],
            "pdf",
            pages,
        )
    assert len(result.text) == MAX_TEXT_CHARS
    assert pdf_reader.reader_pid() not in (None, os.getpid())


def test_the_reader_keeps_freed_memory_for_the_next_file() -> None:
    """glibc's malloc in the reader keeps what a file freed instead of handing it back and
    faulting it in again for the next one (~35 page faults per CV before)."""
    pdf = make_pdf(["Jean Dupont", "jean.dupont@example.com", "Skills", "Python"] * 20, pages=2)
    for _ in range(3):
        extract_text(pdf)
    pid = pdf_reader.reader_pid()
    assert pid is not None
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert b"MALLOC_TRIM_THRESHOLD_=67108864" in environ

    def faults() -> int:  # minor page faults of the reader so far
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[7])

    before = faults()
    for _ in range(20):
        extract_text(pdf)
    assert pdf_reader.reader_pid() == pid
    assert (faults() - before) / 20 < 5


def test_refusals_keep_their_messages() -> None:
    cases = [
        (make_pdf(["secret"], encrypt="s3cret"), "the PDF is password-protected"),
        (b"%PDF-1.7\nthis is not really a pdf\n%%EOF", "the PDF is damaged or not a PDF"),
        (make_pdf(["page"], pages=60), "the PDF has 60 pages (at most 50 are read)"),
        (make_image_only_pdf(), "the file contains no readable text (is it a scanned image?)"),
    ]
    reader = None
    for data, reason in cases:
        with pytest.raises(ExtractionError) as caught:
            extract_text(data)
        assert caught.value.reason == reason
        # A refusal is an answer: the same reader reads the next file.
        assert reader in (None, pdf_reader.reader_pid())
        reader = pdf_reader.reader_pid()


def test_a_decompression_bomb_is_refused_and_the_server_does_not_grow(pdf_limits) -> None:  # noqa: F811
    pdf_limits(memory_mb=256)
    bomb = flate_bomb_pdf(600)  # 600 MB of spaces once inflated, in a 0.6 MB file
    assert len(bomb) < 1024 * 1024
    assert extract_text(make_pdf(["Warm up"])).text == "Warm up"  # a reader with 256 MB
    first = pdf_reader.reader_pid()
    with peak_rss_growth() as growth, pytest.raises(ExtractionError, match=TOO_LARGE):
        extract_text(bomb)
    assert growth.megabytes < 100, f"the test process grew by {growth.megabytes:.0f} MB"
    assert reaped(first) and pdf_reader.reader_pid() is None  # no zombie
    with peak_rss_growth() as meter:  # the meter itself sees what this process allocates
        buffer = bytearray(200 * 1024 * 1024)
        del buffer
    assert meter.megabytes > 150
    # The next file gets a fresh reader.
    assert extract_text(make_pdf(["Jean Dupont"])).text == "Jean Dupont"
    assert pdf_reader.reader_pid() not in (None, first)


def test_a_pdf_that_takes_too_long_is_refused_and_its_reader_killed(pdf_limits) -> None:  # noqa: F811
    # ~3.5 s of PDFium work in ~0.6 GB: under the default memory limit, so only the time
    # limit stops it.
    pdf_limits(timeout=0.3)
    slow = slow_pdf(300)
    assert extract_text(make_pdf(["Warm up"])).text == "Warm up"
    first = pdf_reader.reader_pid()
    started = time.monotonic()
    with pytest.raises(ExtractionError, match=TOO_SLOW):
        extract_text(slow)
    assert time.monotonic() - started < 5
    assert reaped(first)
    assert extract_text(make_pdf(["Ana Cruz"])).text == "Ana Cruz"
    assert pdf_reader.reader_pid() not in (None, first)


def test_the_cpu_limit_stops_a_reader_nobody_waits_for() -> None:
    # The backstop for a reader whose parent does not kill it: a CPU budget of 1 s per
    # file (RLIMIT_CPU, then SIGXCPU) while the parent would wait a minute.
    reader = pdf_reader._Reader(1024, 60.0, cpu_seconds=1)
    try:
        started = time.monotonic()
        with pytest.raises(ExtractionError, match=TOO_SLOW):
            reader.read(slow_pdf(300), 60.0)
        assert reader.process.returncode == -signal.SIGXCPU
        assert time.monotonic() - started < 30
    finally:
        reader.stop(kill=True)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_reader_killed_between_files_is_replaced(signum: int) -> None:
    assert extract_text(make_pdf(["One"])).text == "One"
    first = pdf_reader.reader_pid()
    assert first is not None
    os.kill(first, signum)  # no wait: the next file may find it still dying
    assert extract_text(make_pdf(["Two"])).text == "Two"
    assert pdf_reader.reader_pid() not in (None, first)
    assert reaped(first)


def test_a_reader_killed_while_reading_is_replaced_and_the_file_read_again(pdf_limits) -> None:  # noqa: F811
    # Killed from outside (an operator, the OOM killer) while it reads a slow, valid file:
    # not that file's fault, so a fresh reader reads it once more.
    pdf_limits(memory_mb=4096, timeout=60)
    slow = flate_bomb_pdf(300)  # ~0.6 GB for a second or so, then "Bomb"
    assert extract_text(make_pdf(["Warm up"])).text == "Warm up"
    first = pdf_reader.reader_pid()
    assert first is not None

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 30
        while rss_mb(first) < 150 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(first, signal.SIGKILL)

    with ThreadPoolExecutor(1) as pool:
        killer = pool.submit(kill_when_busy)
        assert extract_text(slow).text == "Bomb"
        killer.result()
    assert reaped(first)
    assert pdf_reader.reader_pid() not in (None, first)


def test_many_threads_at_once_each_get_their_own_answer(pdf_limits) -> None:  # noqa: F811
    pdf_limits(memory_mb=256)
    bomb = flate_bomb_pdf(600)
    files = [
        bomb if i % 10 == 3 else make_pdf([f"Person {i}", f"p{i}@example.com"]) for i in range(30)
    ]

    def read(i: int) -> str:
        try:
            return extract_text(files[i]).text
        except ExtractionError as exc:
            return exc.reason

    with ThreadPoolExecutor(max_workers=8) as pool:
        texts = list(pool.map(read, range(len(files))))
    for i, text in enumerate(texts):
        if i % 10 == 3:
            assert text == "the PDF is too large to read once decompressed"
        else:
            assert text == f"Person {i}\np{i}@example.com"


def test_a_reader_that_cannot_start_is_a_server_error(monkeypatch) -> None:
    pdf_reader.stop_reader()
    monkeypatch.setattr(pdf_reader, "get_executable", lambda: "/bin/false")
    with pytest.raises(RuntimeError, match="PDF reader process did not start"):
        extract_text(make_pdf(["x"]))
    monkeypatch.undo()
    assert extract_text(make_pdf(["Back"])).text == "Back"


def test_the_limits_are_settings() -> None:
    assert Settings().pdf_memory_limit_mb == 1024
    assert Settings().pdf_timeout_seconds == 15.0
    with pytest.raises(ValidationError):
        Settings(pdf_memory_limit_mb=64)  # Python and PDFium alone need ~30 MB
    with pytest.raises(ValidationError):
        Settings(pdf_timeout_seconds=0)


# A process of its own (the test process has threads: it must not fork): it reads a PDF,
# then a daemonic child forked from it, like Huey's process workers, reads another one.
_SCRIPT = textwrap.dedent(
    """
    import json, multiprocessing, os, sys
    from hireloop.domain.resumes import pdf_reader
    from hireloop.domain.resumes.extract import extract_text
    from tests.cv_files import make_pdf

    def in_daemon(queue):
        text = extract_text(make_pdf(["In a daemonic child"])).text
        queue.put((text, pdf_reader.reader_pid()))

    if __name__ == "__main__":
        text = extract_text(make_pdf(["In the parent"])).text
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=in_daemon, args=(queue,), daemon=True)
        child.start()
        child_text, child_reader = queue.get(timeout=60)
        child.join()
        print(json.dumps({
            "text": text, "reader": pdf_reader.reader_pid(),
            "child_text": child_text, "child_reader": child_reader,
            "again": extract_text(make_pdf(["Again"])).text,
        }), flush=True)
        if sys.argv[1] == "wait":
            sys.stdin.read()  # until the test kills this process
    """
)


def _run_script(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], dict]:
    script = tmp_path / "reader_owner.py"
    script.write_text(_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    process = subprocess.Popen(
        [sys.executable, str(script), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def test_a_forked_daemonic_process_gets_its_own_reader_and_readers_end_with_their_owner(
    tmp_path: Path,
) -> None:
    process, seen = _run_script(tmp_path, "exit")
    assert process.wait(timeout=60) == 0
    assert seen["text"] == "In the parent" and seen["again"] == "Again"
    assert seen["child_text"] == "In a daemonic child"
    # The forked child started its own reader and left its parent's alone.
    assert seen["child_reader"] not in (None, seen["reader"])
    # Both readers ended with their owners (the child's has its pipe closed by os._exit).
    assert gone(seen["reader"]) and gone(seen["child_reader"])


def test_a_reader_ends_when_its_owner_is_killed(tmp_path: Path) -> None:
    process, seen = _run_script(tmp_path, "wait")
    assert seen["again"] == "Again"
    assert not gone(seen["reader"], seconds=0.2)
    process.kill()
    process.wait(timeout=30)
    assert gone(seen["reader"])  # its pipe closed with its owner: it exits by itself
