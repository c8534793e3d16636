from enum import StrEnum

class SuppressionSourceDto(StrEnum):
    IMPORT = "import"
    MANUAL = "manual"
    OPT_OUT = "opt-out"

    def __str__(self) -> str:
        return str(self.value)
