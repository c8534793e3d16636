from enum import StrEnum

class PauseReasonDto(StrEnum):
    BUDGET_REACHED = "budget-reached"
    OPERATOR = "operator"
    SAFETY_BRAKE = "safety-brake"

    def __str__(self) -> str:
        return str(self.value)
