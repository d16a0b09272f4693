"""Inbound webhooks from providers (SMS delivery status, ...)."""
