from enum import StrEnum

class OutcomeDto(StrEnum):
    ANSWERED = "answered"
    BUSY = "busy"
    INVALID_NUMBER = "invalid-number"
    NO_ANSWER = "no-answer"
    PERMANENT_ERROR = "permanent-error"
    RETRYABLE_ERROR = "retryable-error"
    UNKNOWN = "unknown"
    VOICEMAIL = "voicemail"

    def __str__(self) -> str:
        return str(self.value)
