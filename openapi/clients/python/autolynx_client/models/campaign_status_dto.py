from enum import StrEnum

class CampaignStatusDto(StrEnum):
    COMPLETED = "COMPLETED"
    CREATED = "CREATED"
    DIALING = "DIALING"
    FAILED = "FAILED"
    PAUSED = "PAUSED"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"

    def __str__(self) -> str:
        return str(self.value)
