from enum import StrEnum

class StopModeDto(StrEnum):
    FINISH = "finish"
    HANGUP = "hangup"

    def __str__(self) -> str:
        return str(self.value)
