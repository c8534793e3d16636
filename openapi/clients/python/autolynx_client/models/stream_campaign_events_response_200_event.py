from enum import StrEnum

class StreamCampaignEventsResponse200Event(StrEnum):
    CALL = "call"
    CAMPAIGN = "campaign"
    COUNTERS = "counters"
    END = "end"
    SNAPSHOT = "snapshot"

    def __str__(self) -> str:
        return str(self.value)
