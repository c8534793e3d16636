from enum import StrEnum

class CallStatusDto(StrEnum):
    CANCELED = "CANCELED"
    ENDED = "ENDED"
    FAILED = "FAILED"
    IN_PROGRESS = "IN_PROGRESS"
    QUEUED = "QUEUED"
    RINGING = "RINGING"
    TIMEOUT = "TIMEOUT"

    def __str__(self) -> str:
        return str(self.value)
