"""PDF text, read in a separate, resource-limited process.

PDFium inflates a page's streams in memory, whatever size they declare: a 1 MB PDF whose
one content stream inflates to 1 GB of spaces (well under the 10 MB CV limit) made the
server process grow by 2 GB, and a few such applies at once got it killed. Scanning the
streams first is no cure (LZW, object streams and PDFs encrypted with an empty password
hide them), so the server never opens a PDF itself: a reader process does, under limits
that only it pays for.

* One reader process per server (or worker) process, started on the first PDF: a fresh
  interpreter (the server is never forked: it has threads), which imports PDFium and
  waits for files. Started as multiprocessing's "spawn" does (``sys.executable -c``, the
  parent's import path), but with ``subprocess``: multiprocessing refuses to start a child
  from a daemonic process, which Huey's process workers are. Lazily rather than at
  start-up: most processes (the CLI, migrations, a worker that never sees a PDF) need
  none, and a reader that died is replaced the same way.
* At start it limits its own address space (``HIRELOOP_PDF_MEMORY_LIMIT_MB``, 1 GiB by
  default; a 2- or a 50-page CV needs ~35 MB, Python and PDFium included) and writes no
  core files; before each file it allows itself that file's CPU time (the timeout, rounded
  up, plus a second) as a backstop, should the parent not be there to kill it.
* The parent sends the file's bytes over a pipe and waits at most
  ``HIRELOOP_PDF_TIMEOUT_SECONDS`` (15 s) for the answer: ``(text, pages)`` or the reason
  of the ``ExtractionError`` (the rules are ``extract._pdf_text_unlocked``'s, unchanged).
  An allocation that fails (PDFium aborts; Python raises MemoryError) or a file that takes
  too long (the parent kills the reader) is refused with :data:`TOO_LARGE` or
  :data:`TOO_SLOW`, and the next file gets a fresh reader. A reader killed from outside
  (an operator, the kernel's OOM killer) is replaced and the file tried once more.
* One file at a time per reader (PDFium is not thread-safe), under a lock, as before.
* The reader's answer is plain bytes (a kind, the page count, UTF-8 text), never a pickle:
  a PDFium exploit in the reader must not be able to run code in the server. Its text is
  already tidied and cut to ``MAX_TEXT_CHARS``, so that an answer is small and bounded.
* The reader exits when its pipe closes: when the parent exits, or dies. The parent reaps
  every reader it stops; a forked child of the parent (Huey's process workers) forgets its
  parent's reader and starts its own.

Cost, for the 150 KB two-page CV of bench/career_apply.py on an idle 2-core machine: the
round trip itself ~0.07 ms; reading the CV 0.49 ms of CPU in-process before, now 0.06 ms in
the server plus 0.71 ms in the reader (PDFium runs with colder caches there), 0.76 ms wall.
The server's interpreter lock is no longer held while PDFium works. A new reader is ready
in ~0.1-0.15 s (the first PDF of a process, and the one after a refused bomb, wait for it).
"""

from __future__ import annotations

import atexit
import logging
import math
import os
import resource
import signal
import struct
import subprocess
import sys
import threading
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from multiprocessing.spawn import get_executable
from typing import NoReturn

from hireloop.domain.resumes.extract import MAX_TEXT_CHARS, ExtractionError

log = logging.getLogger(__name__)

TOO_LARGE = "the PDF is too large to read once decompressed"
TOO_SLOW = "the PDF took too long to read"
DAMAGED = "the PDF is damaged"

# The reader's answers: one byte of kind, then its data.
_READY = b"R"  # started, limits set, PDFium loaded
_TEXT = b"T"  # + page count (4 bytes) + UTF-8 text
_REFUSED = b"E"  # + the ExtractionError's reason, UTF-8
_NO_MEMORY = b"M"  # MemoryError; the reader exits after this answer
_FAILED = b"F"  # + the name of an unexpected exception
_PAGES = struct.Struct("<I")
# The longest answer: the text is cut to MAX_TEXT_CHARS characters (UTF-8: 4 bytes each).
_MAX_ANSWER = 1 + _PAGES.size + 4 * MAX_TEXT_CHARS
# glibc's malloc in the reader keeps what PDFium freed for the next file (up to its
# address-space limit) instead of giving it back and faulting it in again: ~35 page faults
# and ~0.1 ms of system time per CV. Other C libraries ignore these variables.
_MALLOC_KEEPS_MEMORY = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * 1024 * 1024),
    "MALLOC_TRIM_THRESHOLD_": str(64 * 1024 * 1024),
}
_START_SECONDS = 30.0  # a fresh interpreter importing PDFium: ~0.1 s, far more when busy
_EXIT_SECONDS = 5.0  # a reader that closed its pipe has that long to be gone


class _Gone(Exception):
    """The reader was killed from outside, or died before it could have read the file."""


class _Reader:
    """One reader process and the parent's end of its pipe."""

    def __init__(self, memory_limit_mb: int, timeout: float, cpu_seconds: int = 0) -> None:
        self.limits = (memory_limit_mb, timeout)
        cpu_seconds = cpu_seconds or math.ceil(timeout) + 1  # the parent's timeout first
        ours, theirs = Pipe()
        boot = (
            f"import sys; sys.path[:] = {sys.path!r}; "
            "from hireloop.domain.resumes.pdf_reader import serve; "
            f"serve({theirs.fileno()}, {memory_limit_mb}, {cpu_seconds})"
        )
        try:
            # A fresh interpreter (what multiprocessing's "spawn" does, without its
            # refusal to start from a daemonic process such as Huey's process workers),
            # with this process's import path set before anything is imported.
            self.process = subprocess.Popen(  # noqa: S603 - our code, no shell
                [get_executable(), "-c", boot],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env={**os.environ, **_MALLOC_KEEPS_MEMORY},
            )
        finally:
            theirs.close()
        self.conn = ours
        try:
            ready = ours.poll(max(_START_SECONDS, timeout)) and ours.recv_bytes(16) == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            code = self.stop(kill=True)
            raise RuntimeError(
                f"the PDF reader process did not start (exit status {code}); its error "
                "output is above. Is HIRELOOP_PDF_MEMORY_LIMIT_MB too low?"
            )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def read(self, data: bytes, timeout: float) -> tuple[str, int]:
        try:
            self.conn.send_bytes(data)
        except OSError:  # it died while idle, and the kernel knows it already
            self.stop()
            raise _Gone from None
        if not self.conn.poll(timeout):
            self.stop(kill=True)
            log.warning("PDF refused: not read in %s s (%d bytes)", timeout, len(data))
            raise ExtractionError(TOO_SLOW)
        try:
            answer = self.conn.recv_bytes(_MAX_ANSWER)
        except (EOFError, ConnectionError):
            self._died(len(data))
        except OSError:  # an answer longer than any the reader writes
            self.stop(kill=True)
            log.warning("PDF refused: the reader's answer broke the protocol")
            raise ExtractionError(DAMAGED) from None
        kind, body = answer[:1], answer[1:]
        if kind == _TEXT:
            (pages,) = _PAGES.unpack_from(body)
            return body[_PAGES.size :].decode("utf-8", "surrogatepass"), pages
        if kind == _REFUSED:
            raise ExtractionError(body[:500].decode("utf-8", "replace"))
        if kind == _NO_MEMORY:
            self.stop()
            log.warning("PDF refused: out of memory in the reader (%d bytes)", len(data))
            raise ExtractionError(TOO_LARGE)
        if kind == _FAILED:
            log.warning("PDF refused: the reader raised %s", body.decode("ascii", "replace"))
            raise ExtractionError(DAMAGED)
        self.stop(kill=True)
        log.warning("PDF refused: the reader's answer broke the protocol")
        raise ExtractionError(DAMAGED)

    def _died(self, size: int) -> NoReturn:
        """The reader closed its pipe while it had the file: how it ended says why."""
        code = self.stop()
        if code in (-signal.SIGKILL, -signal.SIGTERM):
            # Not this file's limits: an operator, or the OOM killer (once more decides).
            log.warning("PDF reader killed from outside (status %s) with a file", code)
            raise _Gone
        if code == -signal.SIGXCPU:
            log.warning("PDF refused: CPU limit reached (%d bytes)", size)
            raise ExtractionError(TOO_SLOW)
        if code == -signal.SIGABRT:  # PDFium's answer to a failed allocation
            log.warning("PDF refused: out of memory in the reader (%d bytes)", size)
            raise ExtractionError(TOO_LARGE)
        log.warning("PDF refused: the reader crashed on it (status %s, %d bytes)", code, size)
        raise ExtractionError(DAMAGED)

    def stop(self, *, kill: bool = False, grace: float = _EXIT_SECONDS) -> int:
        """Close the pipe and reap the process; its exit status. Without ``kill`` it has
        ``grace`` seconds to exit by itself (it does when its pipe closes), then is
        killed."""
        self.conn.close()
        if not kill:
            try:
                return self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            self.process.kill()
        return self.process.wait()


_lock = threading.Lock()
_reader: _Reader | None = None
_inherited: list[_Reader] = []  # a parent's readers, kept from a fork: never touched
_atexit_registered = False


def read_pdf(data: bytes) -> tuple[str, int]:
    """The text of a PDF (tidied, at most ``MAX_TEXT_CHARS`` characters) and its page count,
    read by the reader process; ExtractionError as ``extract._pdf_text_unlocked`` raises
    it, or :data:`TOO_LARGE` / :data:`TOO_SLOW` / :data:`DAMAGED` when the reader died on
    the file or took too long."""
    from hireloop.config import get_settings  # not imported by the reader process

    settings = get_settings()
    memory_limit_mb, timeout = settings.pdf_memory_limit_mb, settings.pdf_timeout_seconds
    with _lock:
        for attempt in range(2):
            reader = _current_reader(memory_limit_mb, timeout)
            try:
                return reader.read(data, timeout)
            except _Gone:
                if attempt:
                    raise ExtractionError(TOO_LARGE) from None
    raise AssertionError("unreachable")  # pragma: no cover


def reader_pid() -> int | None:
    """The process id of this process's PDF reader, if one is running."""
    reader = _reader
    return reader.process.pid if reader is not None and reader.alive else None


def stop_reader() -> None:
    """Stop this process's PDF reader, if any (the next PDF starts a new one)."""
    global _reader
    with _lock:
        if _reader is not None:
            _reader.stop()
            _reader = None


def _current_reader(memory_limit_mb: int, timeout: float) -> _Reader:
    """The running reader (a new one if there is none, it died, or the settings changed).
    Called under ``_lock``."""
    global _reader, _atexit_registered
    if _reader is not None and (not _reader.alive or _reader.limits != (memory_limit_mb, timeout)):
        _reader.stop()
        _reader = None
    if _reader is None:
        _reader = _Reader(memory_limit_mb, timeout)
        if not _atexit_registered:
            atexit.register(_shutdown)
            _atexit_registered = True
    return _reader


def _shutdown() -> None:
    """At exit: the reader sees its pipe close and exits; reaped (killed after a second)."""
    global _reader
    if _lock.acquire(timeout=1.0):  # a thread may be reading: do not wait for it long
        _lock.release()
    reader, _reader = _reader, None
    if reader is not None:
        reader.stop(grace=1.0)


def _forget_after_fork() -> None:
    """A forked child neither talks to nor waits on its parent's reader."""
    global _lock, _reader
    _lock = threading.Lock()
    if _reader is not None:
        _reader.conn.close()  # this process's copy of the parent's end only
        _inherited.append(_reader)
        _reader = None


os.register_at_fork(after_in_child=_forget_after_fork)


# --- The reader process -------------------------------------------------------------------


def serve(fd: int, memory_limit_mb: int, cpu_seconds: int) -> None:
    """The reader process's loop: a file in, an answer out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it ends us
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file of a 1 GB bomb
    limit = memory_limit_mb * 1024 * 1024
    _, as_hard = resource.getrlimit(resource.RLIMIT_AS)
    if as_hard != resource.RLIM_INFINITY:  # never above what this process was given
        limit = min(limit, as_hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)

    import pypdfium2  # noqa: F401 - loaded now, not while the first file waits

    from hireloop.domain.resumes.extract import _pdf_text_unlocked, _tidy

    conn = Connection(fd)
    conn.send_bytes(_READY)
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):  # the server process closed its end, or is gone
            return
        # RLIMIT_CPU counts the process's whole life: allow this file its own budget.
        used = os.times()
        cpu_soft = int(used.user + used.system) + cpu_seconds
        if cpu_hard != resource.RLIM_INFINITY:
            cpu_soft = min(cpu_soft, cpu_hard)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_soft, cpu_hard))
        try:
            text, pages = _pdf_text_unlocked(data)
            text = _tidy(text)[:MAX_TEXT_CHARS]
            answer = _TEXT + _PAGES.pack(pages) + text.encode("utf-8", "surrogatepass")
        except ExtractionError as exc:
            answer = _REFUSED + exc.reason.encode("utf-8", "surrogatepass")
        except MemoryError:
            answer = _NO_MEMORY  # then exit: a fresh process reads the next file
        except Exception as exc:  # noqa: BLE001 - a hostile file must not end the loop
            answer = _FAILED + type(exc).__name__.encode("ascii", "replace")
        del data
        try:
            conn.send_bytes(answer)
        except OSError:  # the server process is gone
            return
        if answer == _NO_MEMORY:
            return
