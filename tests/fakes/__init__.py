"""Local fake servers for third-party services, speaking their documented protocols."""
