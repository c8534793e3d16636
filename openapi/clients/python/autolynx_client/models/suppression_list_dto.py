from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.pagination_dto import PaginationDto
  from ..models.suppressed_number_dto import SuppressedNumberDto





T = TypeVar("T", bound="SuppressionListDto")



@_attrs_define
class SuppressionListDto:
    """ 
        Example:
            {'items': [{'callId': '01938f31-0a1b-7c2d-9e3f-405162738495', 'campaignId':
                '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'createdAt': '2026-12-01T15:42:17.315Z', 'id':
                '01938f40-1122-7334-8556-6778899aabbc', 'phone': '+14155550123', 'reason': 'asked not to be called again',
                'source': 'opt-out'}], 'pagination': {'limit': 50, 'page': 1, 'total': 1, 'totalPages': 1}}

        Attributes:
            items (list[SuppressedNumberDto]):
            pagination (PaginationDto):
     """

    items: list[SuppressedNumberDto]
    pagination: PaginationDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.pagination_dto import PaginationDto # noqa: PLC0415
        from ..models.suppressed_number_dto import SuppressedNumberDto # noqa: PLC0415
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
        from ..models.pagination_dto import PaginationDto # noqa: PLC0415
        from ..models.suppressed_number_dto import SuppressedNumberDto # noqa: PLC0415
        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = SuppressedNumberDto.from_dict(items_item_data)



            items.append(items_item)


        pagination = PaginationDto.from_dict(d.pop("pagination"))




        suppression_list_dto = cls(
            items=items,
            pagination=pagination,
        )


        suppression_list_dto.additional_properties = d
        return suppression_list_dto

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
