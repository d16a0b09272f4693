"""Benchmarks. Run them as scripts, e.g. ``.venv/bin/python bench/partner_api.py``."""
