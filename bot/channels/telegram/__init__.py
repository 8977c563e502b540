"""Telegram: the adapter (updates in, replies out, over python-telegram-bot) and the sender the
delivery worker uses."""
