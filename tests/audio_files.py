"""Tiny real audio recordings for tests (interview prompts, audio answers)."""

from __future__ import annotations

import io
import wave

# The four header bytes of an MPEG-1 layer III frame: 128 kbit/s, 44.1 kHz (417 bytes).
MPEG1_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64])
ID3_TAG = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10  # an empty ID3v2.3 tag


def silent_wav(frames: int = 800, rate: int = 8000) -> bytes:
    """``frames`` frames of 16-bit mono silence (800 at 8 kHz: 0.1 s)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * frames)
    return buffer.getvalue()


def mpeg_frames(header: bytes = MPEG1_HEADER, size: int = 417, count: int = 8) -> bytes:
    """``count`` silent MPEG audio frames of ``size`` bytes (8 MPEG-1 frames: ~0.2 s)."""
    return (header + b"\x00" * (size - len(header))) * count
