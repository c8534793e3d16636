from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.campaign_dto import CampaignDto
  from ..models.pagination_dto import PaginationDto





T = TypeVar("T", bound="CampaignListDto")



@_attrs_define
class CampaignListDto:
    """ 
        Example:
            {'items': [{'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'assistantName': 'Renewal reminder',
                'budgetUsd': 250.0, 'callingHours': {'days': ['mon', 'tue', 'wed', 'thu', 'fri'], 'timezone':
                'America/Los_Angeles', 'window': '09:00-18:00'}, 'cap': 5, 'counters': {'active': 5, 'completed': 127,
                'notAttempted': 0, 'pending': 118, 'successful': 41, 'totalContacts': 250, 'totalCost': 31.85}, 'createdAt':
                '2026-12-01T15:04:05.000Z', 'id': '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'lineQuietGating': False, 'mode':
                'continuous', 'name': 'Spring renewals', 'ownerId': '01938a10-2b4c-7d5e-8f60-718293a4b5c6', 'phoneNumberId':
                'ph_7c1d2e3f', 'redial': {'delaySeconds': 3600, 'maxAttempts': 3, 'on': ['no-answer', 'busy']}, 'safetyBrake':
                {'failureShare': 0.5, 'failuresInARow': 5, 'window': 20}, 'startedAt': '2026-12-01T15:10:00.000Z', 'status':
                'RUNNING', 'updatedAt': '2026-12-01T15:42:17.315Z'}], 'pagination': {'limit': 50, 'page': 1, 'total': 1,
                'totalPages': 1}}

        Attributes:
            items (list[CampaignDto]):
            pagination (PaginationDto):
     """

    items: list[CampaignDto]
    pagination: PaginationDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.campaign_dto import CampaignDto # noqa: PLC0415
        from ..models.pagination_dto import PaginationDto # noqa: PLC0415
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        pagination = self.pagination.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "items": items,
            "pagination": pagination,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.campaign_dto import CampaignDto # noqa: PLC0415
        from ..models.pagination_dto import PaginationDto # noqa: PLC0415
        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = CampaignDto.from_dict(items_item_data)



            items.append(items_item)


        pagination = PaginationDto.from_dict(d.pop("pagination"))




        campaign_list_dto = cls(
            items=items,
            pagination=pagination,
        )


        campaign_list_dto.additional_properties = d
        return campaign_list_dto

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
