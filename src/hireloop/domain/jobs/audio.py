"""Audio prompts of the interview script: .wav and .mp3 files (the seed: "Talkpush only
accepts .wav & .mp3 files"), recognised by their bytes and not by their name alone
(mutagen must read them as audio of some length), stored as company files of kind
"audio" and referenced from ``interview_settings``."""

from __future__ import annotations

import io
from pathlib import PurePath

from mutagen import MutagenError
from mutagen.mp3 import MPEGInfo
from mutagen.wave import WaveStreamInfo
from sqlalchemy.orm import Session

from hireloop.db import on_rollback, utcnow
from hireloop.domain.files.models import File
from hireloop.domain.files.storage import FileStorage
from hireloop.domain.jobs.campaign import SEGMENTS, interview_settings_of
from hireloop.domain.jobs.models import Job
from hireloop.errors import Invalid, NotFound

MAX_AUDIO_BYTES = 10 * 1024 * 1024
MEDIA_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg"}


class UnsupportedAudio(Invalid):
    """A file that is not a WAV or MP3 recording (415)."""

    kind = "unsupported_media_type"


def _is_wav(data: bytes) -> bool:
    """A RIFF/WAVE file with a ``fmt `` chunk and a ``data`` chunk of some length (its
    tags are not read: a broken one does not make the sound unusable)."""
    try:
        info = WaveStreamInfo(io.BytesIO(data))
    except MutagenError:
        return False
    return info.channels > 0 and info.sample_rate > 0 and info.length > 0


def _is_mp3(data: bytes) -> bool:
    """MPEG audio (after any ID3 tag): mutagen finds a run of valid frames that follow
    each other (not a lone sync word or header, which text or another file can hold)."""
    try:
        info = MPEGInfo(io.BytesIO(data))
    except MutagenError:
        return False
    return not info.sketchy and info.length > 0


def audio_format(filename: str, data: bytes) -> str:
    """ "wav" or "mp3" when the name and the bytes agree; UnsupportedAudio or Invalid
    (empty, too large) otherwise."""
    ext = PurePath(filename or "").suffix.lower().lstrip(".")
    if ext not in MEDIA_TYPES:
        raise UnsupportedAudio(
            "Only .wav and .mp3 audio files are accepted.",
            details={"file": "must be a .wav or .mp3 file"},
        )
    if not data:
        raise Invalid("The audio file is empty.", details={"file": "is empty"})
    if len(data) > MAX_AUDIO_BYTES:
        raise Invalid(
            f"Audio files must not exceed {MAX_AUDIO_BYTES // (1024 * 1024)} MB.",
            details={"file": "is too large"},
        )
    if not (_is_wav(data) if ext == "wav" else _is_mp3(data)):
        raise UnsupportedAudio(
            f"The file is not a valid .{ext} recording.",
            details={"file": f"content is not {ext.upper()} audio"},
        )
    return ext


def attach_question_audio(
    session: Session,
    job: Job,
    *,
    filename: str,
    data: bytes,
    storage: FileStorage,
    segment: str | None = None,
    question_id: str | None = None,
) -> File:
    """Store an audio prompt for one segment (introduction, privacy_statement,
    instructions, closing) or one question of the job's interview script, and set its
    ``audio_file_id``. The new bytes are deleted if the change does not commit. The file
    it replaces is kept: another campaign's script may use the same prompt."""
    if (segment is None) == (question_id is None):
        raise Invalid(
            "Give either segment or question_id.",
            details={"segment": f"one of {', '.join(SEGMENTS)}, or a question_id"},
        )
    if segment is not None and segment not in SEGMENTS:
        raise Invalid(
            f"Unknown segment {segment!r}.",
            details={"segment": f"must be one of {', '.join(SEGMENTS)}"},
        )
    interview = interview_settings_of(job)
    question = None
    if question_id is not None:
        question = next((q for q in interview.questions if q.id == question_id), None)
        if question is None:
            raise NotFound(
                f"Question {question_id!r} not found in this campaign.",
                details={"question_id": "no such question"},
            )
    fmt = audio_format(filename, data)

    blob = storage.put(data, prefix=f"company-{job.company_id}/audio")
    on_rollback(session, lambda: storage.delete(blob.key))
    file = File(
        company_id=job.company_id,
        kind="audio",
        name=(PurePath(filename).name or f"prompt.{fmt}")[:300],
        media_type=MEDIA_TYPES[fmt],
        size=blob.size,
        sha256=blob.sha256,
        storage_key=blob.key,
    )
    session.add(file)
    session.flush()

    if question is not None:
        question.audio_file_id = file.id
    else:
        assert segment is not None
        getattr(interview, segment).audio_file_id = file.id
    job.interview_settings = {**(job.interview_settings or {}), **interview.model_dump(mode="json")}
    job.updated_at = utcnow()
    session.flush()
    return file
