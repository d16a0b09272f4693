"""SMS length and billing: how many segments a text takes, and SMS usage per campaign.

A text that fits the GSM 03.38 alphabet travels as GSM-7: 160 septets in one SMS, 153 per
part once it is split (the rest carries the concatenation header). Characters of the
extension table (``€ { } [ ] ~ ^ \\ |`` and form feed) take two septets (escape + char)
and are never split across parts. Anything else (an emoji, ``ł``, Chinese...) switches
the whole text to UCS-2: 70 UTF-16 code units in one SMS, 67 per part, and a character
outside the Basic Multilingual Plane (two code units) stays whole too.

Line breaks are counted as ``\n`` (one character): SMS texts are stored with ``\r\n`` and
``\r`` turned into ``\n`` (:func:`normalize_newlines`), what the live counter of the
campaign settings counts. An SMS holds at most 1600 characters (Twilio refuses a longer
``Body``, error 21617).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hireloop.domain.messaging.models import Message

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# GSM 03.38 default alphabet (basic character set), in table order.
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table, reached with the escape character: two septets each.
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM_ALL = _GSM_BASIC | _GSM_EXTENSION

_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}
# The longest SMS body the provider takes (Twilio error 21617), in characters.
MAX_SMS_CHARACTERS = 1600


def normalize_newlines(text: str) -> str:
    """``text`` with ``\r\n`` and ``\r`` line breaks written ``\n``."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def too_long(text: str) -> str | None:
    """Why ``text`` cannot be sent as one SMS message (more than 1600 characters), or None."""
    if len(text) <= MAX_SMS_CHARACTERS:
        return None
    return (
        f"The SMS has {len(text)} characters: at most {MAX_SMS_CHARACTERS} can be sent "
        "(the SMS provider's limit)."
    )


class SmsLength(NamedTuple):
    """``encoding`` (GSM-7 or UCS-2), ``segments`` billed, and ``length`` in septets
    (GSM-7) or UTF-16 code units (UCS-2)."""

    encoding: str
    segments: int
    length: int


def _sizes(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in _GSM_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def sms_length(text: str) -> SmsLength:
    """How ``text`` travels as SMS: its encoding, segment count and length.

    An empty text is 0 segments (nothing is sent).
    """
    text = text or ""
    chars = set(text)
    encoding = GSM7 if chars <= _GSM_ALL else UCS2
    # Only escape sequences (GSM-7) and surrogate pairs (UCS-2) take two units.
    wide = bool(chars & _GSM_EXTENSION) if encoding == GSM7 else max(text) > "\uffff"
    sizes = _sizes(text, encoding) if wide else None
    length = sum(sizes) if sizes is not None else len(text)
    single, part = _LIMITS[encoding]
    if length == 0:
        return SmsLength(encoding, 0, 0)
    if length <= single:
        return SmsLength(encoding, 1, length)
    if sizes is None:
        return SmsLength(encoding, -(-length // part), length)
    # Fill parts greedily; a two-unit character that does not fit starts the next part.
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:
            segments += 1
            used = 0
        used += size
    return SmsLength(encoding, segments, length)


# The provider's final words for an SMS it did not send (not billed): ``failed`` (it
# could not send it) and ``canceled`` (canceled before sending).
NOT_BILLED_PROVIDER_STATUSES = ("failed", "canceled")


@dataclass(frozen=True)
class SmsUsage:
    """Outbound SMS of one campaign over a period that the provider took (the ones
    billed): how many messages and segments."""

    job_id: int | None
    messages: int
    segments: int


def sms_usage(
    session: Session,
    company_id: int,
    *,
    start: datetime,
    end: datetime,
    job_ids: list[int] | None = None,
) -> list[SmsUsage]:
    """SMS usage per campaign (the SMS Breakdown of the analytics): outbound SMS created
    in ``[start, end)`` that were handed to the provider (it gave them an id) and that it
    sent: sent, delivered, or undelivered on the way to the phone (what is billed), with
    their segment sum. SMS the provider refused, never reached, reported ``failed`` or
    ``canceled`` (never sent), or the dev channel only recorded are not counted.
    Messages not tied to a campaign are grouped under ``job_id=None`` (last). Ordered by
    job id."""
    where = [
        Message.company_id == company_id,
        Message.channel == "sms",
        Message.direction == "outbound",
        Message.provider_message_id.is_not(None),
        or_(
            Message.provider_status.is_(None),
            Message.provider_status.not_in(NOT_BILLED_PROVIDER_STATUSES),
        ),
        Message.created_at >= start,
        Message.created_at < end,
    ]
    if job_ids is not None:
        where.append(Message.job_id.in_(job_ids))
    rows = session.execute(
        select(Message.job_id, func.count(), func.coalesce(func.sum(Message.segments), 0))
        .where(*where)
        .group_by(Message.job_id)
        .order_by(Message.job_id.asc().nulls_last())
    )
    return [SmsUsage(job_id, int(count), int(segments)) for job_id, count, segments in rows]
