"""Messenger channel adapters: each turns its updates into `Incoming` and renders `Reply`."""
