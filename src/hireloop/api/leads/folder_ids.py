"""Folder ids as the Talkpush face shows them. Talkpush folders are numbered; hireloop's
system folders are names and its custom folders are rows. System folders take the fixed
ids 1-8 below; a custom folder shows as CUSTOM_OFFSET + its row id."""

from __future__ import annotations

SYSTEM_FOLDER_IDS: dict[str, int] = {
    "inbox": 1,
    "completed": 2,
    "shortlisted": 3,
    "on_hold": 4,
    "rejected": 5,
    "hired": 6,
    "no_campaign_invitation": 7,
    "no_response": 8,
}
SYSTEM_FOLDER_NAMES: dict[str, str] = {
    "inbox": "Inbox",
    "completed": "Completed",
    "shortlisted": "Shortlisted",
    "on_hold": "On Hold",
    "rejected": "Rejected",
    "hired": "Hired",
    "no_campaign_invitation": "No Campaign Invitation",
    "no_response": "No Response",
}
CUSTOM_OFFSET = 1000


def system_folder_id(folder: str) -> int:
    return SYSTEM_FOLDER_IDS[folder]


def custom_folder_face_id(custom_folder_id: int) -> int:
    return CUSTOM_OFFSET + custom_folder_id


def parse_folder_id(value: int) -> tuple[str, int | None]:
    """``(folder, custom_folder_id)`` for a face folder id; KeyError when it names none."""
    if value > CUSTOM_OFFSET:
        return "custom", value - CUSTOM_OFFSET
    for name, folder_id in SYSTEM_FOLDER_IDS.items():
        if folder_id == value:
            return name, None
    raise KeyError(value)
