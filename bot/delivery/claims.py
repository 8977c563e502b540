"""Worker ids, and the check that lets a restarted process take back its dead predecessor's row at once."""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
from pathlib import Path

from bot.db.outbox import Outbox

log = logging.getLogger(__name__)


_RUN = secrets.token_hex(4)  # this process start, so that ids never repeat across restarts


@functools.cache
def _pid_namespace() -> str:
    """A short hash of (kernel boot, pid namespace): processes sharing it see each other's pids;
    "-" when unknown (not Linux). Hostnames alone do not say that (containers may share them)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return "-"
    return hashlib.sha1(f"{boot}:{namespace}".encode()).hexdigest()[:8]


def worker_id(channel: str) -> str:
    """<channel>:<host>:<pid namespace>:<pid>:<random>, under 64 characters (never cut), so that
    a restart can tell which claims died with their process."""
    return f"{channel}:{os.uname().nodename[:20]}:{_pid_namespace()}:{os.getpid()}:{_RUN}"


def _dead_here(claimant: str, channel: str) -> bool:
    """Whether a `worker_id` names a process that surely no longer runs: one of our own pid
    namespace (on this kernel boot) whose pid is gone, or an earlier process that had our pid.
    Anything else (another container, another machine, an unknown namespace) waits out its lease."""
    parts = claimant.split(":")
    namespace = _pid_namespace()
    if len(parts) != 5 or parts[0] != channel or namespace == "-" or parts[2] != namespace:
        return False
    pid, run = parts[3], parts[4]
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():  # an earlier process had our pid: it is gone (ourselves: alive)
        return run != _RUN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def recover_dead_claims(outbox: Outbox, channel: str) -> int:
    """At start-up: rows claimed by killed processes of this host go back to pending at once
    (others wait out their lease). Call before this process claims anything."""
    dead = [c for c in outbox.claimants(channel) if _dead_here(c, channel)]
    released = outbox.release_claims(channel, dead) if dead else 0
    if released:
        log.info("delivery: %d tin đang gửi dở của tiến trình đã dừng được gửi lại", released)
    return released
