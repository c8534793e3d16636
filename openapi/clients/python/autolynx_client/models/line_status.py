from enum import StrEnum

class LineStatus(StrEnum):
    BUSY = "busy"
    ERROR = "error"
    HEALTHY = "healthy"

    def __str__(self) -> str:
        return str(self.value)
