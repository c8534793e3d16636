from enum import StrEnum

class CampaignModeDto(StrEnum):
    BATCH = "batch"
    CONTINUOUS = "continuous"

    def __str__(self) -> str:
        return str(self.value)
