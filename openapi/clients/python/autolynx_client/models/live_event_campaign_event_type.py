from enum import StrEnum

class LiveEventCampaignEventType(StrEnum):
    CAMPAIGN = "campaign"

    def __str__(self) -> str:
        return str(self.value)
