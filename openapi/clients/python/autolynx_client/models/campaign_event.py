from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_status_dto import CampaignStatusDto
from ..models.pause_reason_dto import PauseReasonDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="CampaignEvent")



@_attrs_define
class CampaignEvent:
    """ `campaign`: the campaign's status changed.

        Attributes:
            at (datetime.datetime):
            campaign_id (UUID):
            status (CampaignStatusDto):
            pause_detail (str | Unset): The numbers that tripped a guardrail, in words.
            pause_reason (PauseReasonDto | Unset): Why a campaign is PAUSED.
     """

    at: datetime.datetime
    campaign_id: UUID
    status: CampaignStatusDto
    pause_detail: str | Unset = UNSET
    pause_reason: PauseReasonDto | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        campaign_id = str(self.campaign_id)

        status = self.status.value

        pause_detail = self.pause_detail

        pause_reason: str | Unset = UNSET
        if not isinstance(self.pause_reason, Unset):
            pause_reason = self.pause_reason.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
            "campaignId": campaign_id,
            "status": status,
        })
        if pause_detail is not UNSET:
            field_dict["pauseDetail"] = pause_detail
        if pause_reason is not UNSET:
            field_dict["pauseReason"] = pause_reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))




        campaign_id = UUID(d.pop("campaignId"))




        status = CampaignStatusDto(d.pop("status"))




        pause_detail = d.pop("pauseDetail", UNSET)

        _pause_reason = d.pop("pauseReason", UNSET)
        pause_reason: PauseReasonDto | Unset
        if isinstance(_pause_reason,  Unset):
            pause_reason = UNSET
        else:
            pause_reason = PauseReasonDto(_pause_reason)




        campaign_event = cls(
            at=at,
            campaign_id=campaign_id,
            status=status,
            pause_detail=pause_detail,
            pause_reason=pause_reason,
        )


        campaign_event.additional_properties = d
        return campaign_event

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
