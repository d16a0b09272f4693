"""Talkpush face: campaigns."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Leads (Talkpush): campaigns"])
