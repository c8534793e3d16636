from enum import StrEnum

class RoleDto(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"

    def __str__(self) -> str:
        return str(self.value)
