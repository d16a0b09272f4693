"""Talkpush face: company folders, labels, managers, reasons."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Leads (Talkpush): company"])
