"""Deadlines, criteria and reward forms extracted from directive texts, as data."""
