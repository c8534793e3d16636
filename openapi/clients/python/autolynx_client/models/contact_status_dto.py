from enum import StrEnum

class ContactStatusDto(StrEnum):
    DIALING = "DIALING"
    DONE = "DONE"
    NOT_ATTEMPTED = "NOT_ATTEMPTED"
    PENDING = "PENDING"

    def __str__(self) -> str:
        return str(self.value)
