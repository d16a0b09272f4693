"""The Talkpush leads face: /api/talkpush_services. See docs/leads-api.md."""
