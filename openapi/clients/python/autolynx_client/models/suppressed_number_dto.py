from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.suppression_source_dto import SuppressionSourceDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="SuppressedNumberDto")



@_attrs_define
class SuppressedNumberDto:
    """ 
        Example:
            {'callId': '01938f31-0a1b-7c2d-9e3f-405162738495', 'campaignId': '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f',
                'createdAt': '2026-12-01T15:42:17.315Z', 'id': '01938f40-1122-7334-8556-6778899aabbc', 'phone': '+14155550123',
                'reason': 'asked not to be called again', 'source': 'opt-out'}

        Attributes:
            created_at (datetime.datetime): When it was added.
            id (UUID):
            phone (str): E.164.
            added_by (UUID | Unset):
            call_id (UUID | Unset): For an opt-out: the call on which the person asked.
            campaign_id (UUID | Unset): For an opt-out: the campaign the call belonged to.
            reason (str | Unset):
            source (SuppressionSourceDto | Unset): How a number came onto the do-not-call list.
     """

    created_at: datetime.datetime
    id: UUID
    phone: str
    added_by: UUID | Unset = UNSET
    call_id: UUID | Unset = UNSET
    campaign_id: UUID | Unset = UNSET
    reason: str | Unset = UNSET
    source: SuppressionSourceDto | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        phone = self.phone

        added_by: str | Unset = UNSET
        if not isinstance(self.added_by, Unset):
            added_by = str(self.added_by)

        call_id: str | Unset = UNSET
        if not isinstance(self.call_id, Unset):
            call_id = str(self.call_id)

        campaign_id: str | Unset = UNSET
        if not isinstance(self.campaign_id, Unset):
            campaign_id = str(self.campaign_id)

        reason = self.reason

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "createdAt": created_at,
            "id": id,
            "phone": phone,
        })
        if added_by is not UNSET:
            field_dict["addedBy"] = added_by
        if call_id is not UNSET:
            field_dict["callId"] = call_id
        if campaign_id is not UNSET:
            field_dict["campaignId"] = campaign_id
        if reason is not UNSET:
            field_dict["reason"] = reason
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        id = UUID(d.pop("id"))




        phone = d.pop("phone")

        _added_by = d.pop("addedBy", UNSET)
        added_by: UUID | Unset
        if isinstance(_added_by,  Unset):
            added_by = UNSET
        else:
            added_by = UUID(_added_by)




        _call_id = d.pop("callId", UNSET)
        call_id: UUID | Unset
        if isinstance(_call_id,  Unset):
            call_id = UNSET
        else:
            call_id = UUID(_call_id)




        _campaign_id = d.pop("campaignId", UNSET)
        campaign_id: UUID | Unset
        if isinstance(_campaign_id,  Unset):
            campaign_id = UNSET
        else:
            campaign_id = UUID(_campaign_id)




        reason = d.pop("reason", UNSET)

        _source = d.pop("source", UNSET)
        source: SuppressionSourceDto | Unset
        if isinstance(_source,  Unset):
            source = UNSET
        else:
            source = SuppressionSourceDto(_source)




        suppressed_number_dto = cls(
            created_at=created_at,
            id=id,
            phone=phone,
            added_by=added_by,
            call_id=call_id,
            campaign_id=campaign_id,
            reason=reason,
            source=source,
        )


        suppressed_number_dto.additional_properties = d
        return suppressed_number_dto

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
