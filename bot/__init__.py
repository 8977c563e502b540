"""Directive Assistant: answers officials' questions about directives, with citations."""
