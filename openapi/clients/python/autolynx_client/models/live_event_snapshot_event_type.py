from enum import StrEnum

class LiveEventSnapshotEventType(StrEnum):
    SNAPSHOT = "snapshot"

    def __str__(self) -> str:
        return str(self.value)
