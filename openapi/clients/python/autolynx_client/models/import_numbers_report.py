from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.invalid_number_dto import InvalidNumberDto





T = TypeVar("T", bound="ImportNumbersReport")



@_attrs_define
class ImportNumbersReport:
    """ 
        Example:
            {'added': 1, 'alreadyListed': 1, 'invalid': [{'reason': 'not a phone number (too short)', 'row': 3, 'value':
                '12345'}], 'totalRows': 3}

        Attributes:
            added (int):
            already_listed (int):
            invalid (list[InvalidNumberDto]):
            total_rows (int):
     """

    added: int
    already_listed: int
    invalid: list[InvalidNumberDto]
    total_rows: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.invalid_number_dto import InvalidNumberDto # noqa: PLC0415
        added = self.added

        already_listed = self.already_listed

        invalid = []
        for invalid_item_data in self.invalid:
            invalid_item = invalid_item_data.to_dict()
            invalid.append(invalid_item)



        total_rows = self.total_rows


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "added": added,
            "alreadyListed": already_listed,
            "invalid": invalid,
            "totalRows": total_rows,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invalid_number_dto import InvalidNumberDto # noqa: PLC0415
        d = dict(src_dict)
        added = d.pop("added")

        already_listed = d.pop("alreadyListed")

        invalid = []
        _invalid = d.pop("invalid")
        for invalid_item_data in (_invalid):
            invalid_item = InvalidNumberDto.from_dict(invalid_item_data)



            invalid.append(invalid_item)


        total_rows = d.pop("totalRows")

        import_numbers_report = cls(
            added=added,
            already_listed=already_listed,
            invalid=invalid,
            total_rows=total_rows,
        )


        import_numbers_report.additional_properties = d
        return import_numbers_report

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
