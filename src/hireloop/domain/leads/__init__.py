"""Leads: a candidate's application to a campaign as the Talkpush face shows it (a
"campaign invitation"): intake with dedupe and PIN, search, edits, moves, assignment,
comments and documents."""
