from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.contact_dto import ContactDto
  from ..models.contact_list_dto_summary import ContactListDtoSummary
  from ..models.pagination_dto import PaginationDto





T = TypeVar("T", bound="ContactListDto")



@_attrs_define
class ContactListDto:
    """ 
        Example:
            {'items': [{'attempts': 1, 'batchIndex': 0, 'businessName': 'Lopez Bakery', 'id':
                '01938f2e-6d40-7a11-8c22-3d4e5f607182', 'latestCall': {'attempt': 1, 'cost': 0.29, 'durationSeconds': 58.0,
                'endedAt': '2026-12-01T15:11:02.000Z', 'endedReason': 'customer-ended-call', 'id':
                '01938f31-0a1b-7c2d-9e3f-405162738495', 'outcome': 'answered', 'recordingUrl':
                'https://storage.vapi.ai/recordings/example.wav', 'startedAt': '2026-12-01T15:10:04.000Z', 'status': 'ENDED',
                'successEvaluation': 'true', 'summary': 'Ada will renew; asked for the invoice by email.'}, 'name': 'Ada Lopez',
                'phone': '+14152345678', 'phoneOriginal': '+1 415 234 5678', 'row': 2, 'status': 'DONE', 'timezone':
                'America/Los_Angeles', 'variables': {'renewal_date': '2027-01-15'}}], 'pagination': {'limit': 50, 'page': 1,
                'total': 1, 'totalPages': 1}, 'summary': {'DONE': 1}}

        Attributes:
            items (list[ContactDto]):
            pagination (PaginationDto):
            summary (ContactListDtoSummary): Contacts of the whole campaign by status (ignoring the filters).
     """

    items: list[ContactDto]
    pagination: PaginationDto
    summary: ContactListDtoSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_dto import ContactDto # noqa: PLC0415
        from ..models.contact_list_dto_summary import ContactListDtoSummary # noqa: PLC0415
        from ..models.pagination_dto import PaginationDto # noqa: PLC0415
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        pagination = self.pagination.to_dict()

        summary = self.summary.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "items": items,
            "pagination": pagination,
            "summary": summary,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_dto import ContactDto # noqa: PLC0415
        from ..models.contact_list_dto_summary import ContactListDtoSummary # noqa: PLC0415
        from ..models.pagination_dto import PaginationDto # noqa: PLC0415
        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = ContactDto.from_dict(items_item_data)



            items.append(items_item)


        pagination = PaginationDto.from_dict(d.pop("pagination"))




        summary = ContactListDtoSummary.from_dict(d.pop("summary"))




        contact_list_dto = cls(
            items=items,
            pagination=pagination,
            summary=summary,
        )


        contact_list_dto.additional_properties = d
        return contact_list_dto

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
