"""Use-cases as plain, typed, chat-free operations over the stores: obligations tracked for
reports, report statuses, broadcast audiences and planning, the units file. The command line,
the chat features and (next) the web dashboard call these; nothing here knows a message."""
