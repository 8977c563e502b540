"""The delivery engine shared by reminders and broadcasts: it sends what the outbox holds.

`errors` (outcomes of one send and the `Sender` protocol each channel implements), `limiter`
(the messengers' rate limits), `worker` (claim, send, record), `claims` (worker ids and the
dead-process check), `leader` (the one process that sends a messenger's outbox). Each
messenger's sender lives beside its adapter in `bot.channels`.

Every message is an outbox row before anything is sent (`bot.db.outbox`). A sending loop claims
ONE row at a time (the claim is committed before the HTTP call), sends it, and records the
outcome right after the messenger answered; so a crash at any point leaves at most that one
message per loop in doubt, which is sent again once its lease runs out (at once, when a
restarted process sees that the process holding it is gone). The limits are the bot's, so of
the processes sharing a database only the messenger's delivery leader sends (`leader`), with
`delivery.in_flight` such loops; claims skip rows others hold (FOR UPDATE SKIP LOCKED on
PostgreSQL, the write lock on SQLite).

The rate limits are kept here, not by the messenger telling us off: overall N messages per
second on a 1/N s grid and never N in any one-second window, one message per chat per interval,
20 per minute per group. Windows are measured from when the messenger *answered* the earlier
send to when the next one *starts*, so the server, which sees each request somewhere in between,
never counts one too many. A 429 is still honoured: the row waits out `retry_after` without
losing an attempt, and sends pause.
"""
