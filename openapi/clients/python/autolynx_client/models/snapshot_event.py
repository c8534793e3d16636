from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_status_dto import CampaignStatusDto
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.counters_dto import CountersDto
  from ..models.snapshot_event_calls_by_status import SnapshotEventCallsByStatus





T = TypeVar("T", bound="SnapshotEvent")



@_attrs_define
class SnapshotEvent:
    """ `snapshot`: where the campaign stands when the stream starts.

        Attributes:
            calls_by_status (SnapshotEventCallsByStatus): Calls per status (QUEUED, RINGING, IN_PROGRESS, ENDED, FAILED,
                CANCELED, TIMEOUT).
            campaign_id (UUID):
            counters (CountersDto):
            status (CampaignStatusDto):
     """

    calls_by_status: SnapshotEventCallsByStatus
    campaign_id: UUID
    counters: CountersDto
    status: CampaignStatusDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.counters_dto import CountersDto # noqa: PLC0415
        from ..models.snapshot_event_calls_by_status import SnapshotEventCallsByStatus # noqa: PLC0415
        calls_by_status = self.calls_by_status.to_dict()

        campaign_id = str(self.campaign_id)

        counters = self.counters.to_dict()

        status = self.status.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "callsByStatus": calls_by_status,
            "campaignId": campaign_id,
            "counters": counters,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.counters_dto import CountersDto # noqa: PLC0415
        from ..models.snapshot_event_calls_by_status import SnapshotEventCallsByStatus # noqa: PLC0415
        d = dict(src_dict)
        calls_by_status = SnapshotEventCallsByStatus.from_dict(d.pop("callsByStatus"))




        campaign_id = UUID(d.pop("campaignId"))




        counters = CountersDto.from_dict(d.pop("counters"))




        status = CampaignStatusDto(d.pop("status"))




        snapshot_event = cls(
            calls_by_status=calls_by_status,
            campaign_id=campaign_id,
            counters=counters,
            status=status,
        )


        snapshot_event.additional_properties = d
        return snapshot_event

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
