from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.skipped_row_dto import SkippedRowDto





T = TypeVar("T", bound="ImportReportDto")



@_attrs_define
class ImportReportDto:
    """ 
        Example:
            {'accepted': 2, 'skipped': [{'data': {'business_name': 'Nowhere Ltd', 'name': 'Nobody', 'phone': '12345'},
                'detail': 'not a phone number (not a number)', 'reason': 'invalid-phone', 'row': 3}], 'totalRows': 3}

        Attributes:
            accepted (int):
            skipped (list[SkippedRowDto]):
            total_rows (int):
     """

    accepted: int
    skipped: list[SkippedRowDto]
    total_rows: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.skipped_row_dto import SkippedRowDto # noqa: PLC0415
        accepted = self.accepted

        skipped = []
        for skipped_item_data in self.skipped:
            skipped_item = skipped_item_data.to_dict()
            skipped.append(skipped_item)



        total_rows = self.total_rows


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "accepted": accepted,
            "skipped": skipped,
            "totalRows": total_rows,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.skipped_row_dto import SkippedRowDto # noqa: PLC0415
        d = dict(src_dict)
        accepted = d.pop("accepted")

        skipped = []
        _skipped = d.pop("skipped")
        for skipped_item_data in (_skipped):
            skipped_item = SkippedRowDto.from_dict(skipped_item_data)



            skipped.append(skipped_item)


        total_rows = d.pop("totalRows")

        import_report_dto = cls(
            accepted=accepted,
            skipped=skipped,
            total_rows=total_rows,
        )


        import_report_dto.additional_properties = d
        return import_report_dto

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
