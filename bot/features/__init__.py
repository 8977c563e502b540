"""The chat dialogs over the services: membership, reports, the summary, reminders, broadcasts.

Each feature declares its commands (`menu`, with roles and private-only flags), its button
prefixes (`button_rules`) and its handlers; the core's router checks access before any handler
runs, so a handler never re-checks roles or the chat.
"""
