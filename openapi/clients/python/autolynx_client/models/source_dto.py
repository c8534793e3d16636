from enum import StrEnum

class SourceDto(StrEnum):
    IMPORTED = "imported"
    LOCAL = "local"
    TEMPLATE = "template"

    def __str__(self) -> str:
        return str(self.value)
