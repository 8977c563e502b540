"""Zalo: the Bot Platform's HTTP client, the adapter (polling or webhook) and the sender the
delivery worker uses."""
