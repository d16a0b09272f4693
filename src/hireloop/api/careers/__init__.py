"""The Talqo career-site face, at /api/job_offers and /api/job_applications."""
