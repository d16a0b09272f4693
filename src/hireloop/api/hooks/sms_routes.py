"""Inbound webhooks of the SMS provider."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Webhooks"])
