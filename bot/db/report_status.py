"""What a progress report says: its status values and their Vietnamese names."""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


STATUS_LABELS = {Status.NOT_STARTED: "Chưa triển khai", Status.IN_PROGRESS: "Đang triển khai",
                 Status.DONE: "Hoàn thành"}
