from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_status_dto import CampaignStatusDto
from uuid import UUID






T = TypeVar("T", bound="TickCampaign")



@_attrs_define
class TickCampaign:
    """ 
        Attributes:
            adopted (bool): A supervisor was started for the campaign by this tick (it had none).
            calls_active (int):
            calls_queued (int):
            campaign_id (UUID):
            reconciled (int): Silent calls without a tracker that were brought up to date from the provider.
            status (CampaignStatusDto):
            unknown_dials (int): Dials whose outcome is not known yet (being resolved).
     """

    adopted: bool
    calls_active: int
    calls_queued: int
    campaign_id: UUID
    reconciled: int
    status: CampaignStatusDto
    unknown_dials: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        adopted = self.adopted

        calls_active = self.calls_active

        calls_queued = self.calls_queued

        campaign_id = str(self.campaign_id)

        reconciled = self.reconciled

        status = self.status.value

        unknown_dials = self.unknown_dials


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "adopted": adopted,
            "callsActive": calls_active,
            "callsQueued": calls_queued,
            "campaignId": campaign_id,
            "reconciled": reconciled,
            "status": status,
            "unknownDials": unknown_dials,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        adopted = d.pop("adopted")

        calls_active = d.pop("callsActive")

        calls_queued = d.pop("callsQueued")

        campaign_id = UUID(d.pop("campaignId"))




        reconciled = d.pop("reconciled")

        status = CampaignStatusDto(d.pop("status"))




        unknown_dials = d.pop("unknownDials")

        tick_campaign = cls(
            adopted=adopted,
            calls_active=calls_active,
            calls_queued=calls_queued,
            campaign_id=campaign_id,
            reconciled=reconciled,
            status=status,
            unknown_dials=unknown_dials,
        )


        tick_campaign.additional_properties = d
        return tick_campaign

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
