from enum import StrEnum

class LiveEventEndEventType(StrEnum):
    END = "end"

    def __str__(self) -> str:
        return str(self.value)
