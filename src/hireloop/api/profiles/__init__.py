"""The Talemetry (Jobvite Source & CRM) "Candidate XML" profiles face, at /soap/profiles/v1."""
