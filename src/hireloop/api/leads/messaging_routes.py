"""Talkpush face: messaging."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Leads (Talkpush): messaging"])
