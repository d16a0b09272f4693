"""Talkpush face: campaign invitations (leads)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Leads (Talkpush): campaign invitations"])
