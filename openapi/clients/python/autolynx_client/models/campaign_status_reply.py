from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_status_dto import CampaignStatusDto
from uuid import UUID






T = TypeVar("T", bound="CampaignStatusReply")



@_attrs_define
class CampaignStatusReply:
    """ 
        Example:
            {'id': '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'status': 'PAUSED'}

        Attributes:
            id (UUID):
            status (CampaignStatusDto):
     """

    id: UUID
    status: CampaignStatusDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))




        status = CampaignStatusDto(d.pop("status"))




        campaign_status_reply = cls(
            id=id,
            status=status,
        )


        campaign_status_reply.additional_properties = d
        return campaign_status_reply

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
