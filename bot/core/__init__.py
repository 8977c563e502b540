"""The chat core: neutral messages, the command and button router, reply helpers, Vietnam time.

It imports no feature, service or channel; those import it.
"""
