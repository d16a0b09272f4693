"""Intake channels: CSV files and Google Sheets / Forms feeding leads into a campaign."""
