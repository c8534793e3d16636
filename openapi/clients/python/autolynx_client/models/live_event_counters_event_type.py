from enum import StrEnum

class LiveEventCountersEventType(StrEnum):
    COUNTERS = "counters"

    def __str__(self) -> str:
        return str(self.value)
