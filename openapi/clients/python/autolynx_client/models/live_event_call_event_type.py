from enum import StrEnum

class LiveEventCallEventType(StrEnum):
    CALL = "call"

    def __str__(self) -> str:
        return str(self.value)
