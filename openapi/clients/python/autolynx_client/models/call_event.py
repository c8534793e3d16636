from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.call_status_dto import CallStatusDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="CallEvent")



@_attrs_define
class CallEvent:
    """ `call`: a call's status changed, or its outcome became known.

        Attributes:
            at (datetime.datetime):
            call_id (UUID):
            campaign_id (UUID):
            contact_id (UUID):
            status (CallStatusDto):
            ended_reason (str | Unset):
            outcome (str | Unset): answered, no-answer, busy, voicemail, invalid-number, retryable-error,
                permanent-error or unknown; set once the call is terminal.
     """

    at: datetime.datetime
    call_id: UUID
    campaign_id: UUID
    contact_id: UUID
    status: CallStatusDto
    ended_reason: str | Unset = UNSET
    outcome: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        call_id = str(self.call_id)

        campaign_id = str(self.campaign_id)

        contact_id = str(self.contact_id)

        status = self.status.value

        ended_reason = self.ended_reason

        outcome = self.outcome


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "at": at,
            "callId": call_id,
            "campaignId": campaign_id,
            "contactId": contact_id,
            "status": status,
        })
        if ended_reason is not UNSET:
            field_dict["endedReason"] = ended_reason
        if outcome is not UNSET:
            field_dict["outcome"] = outcome

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))




        call_id = UUID(d.pop("callId"))




        campaign_id = UUID(d.pop("campaignId"))




        contact_id = UUID(d.pop("contactId"))




        status = CallStatusDto(d.pop("status"))




        ended_reason = d.pop("endedReason", UNSET)

        outcome = d.pop("outcome", UNSET)

        call_event = cls(
            at=at,
            call_id=call_id,
            campaign_id=campaign_id,
            contact_id=contact_id,
            status=status,
            ended_reason=ended_reason,
            outcome=outcome,
        )


        call_event.additional_properties = d
        return call_event

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
