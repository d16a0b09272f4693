"""Talkpush face (hireloop extension): CSV imports and Google Sheets of a campaign."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Leads (Talkpush): intake"])
