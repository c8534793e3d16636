from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.skipped_row_dto_data import SkippedRowDtoData





T = TypeVar("T", bound="SkippedRowDto")



@_attrs_define
class SkippedRowDto:
    """ 
        Attributes:
            data (SkippedRowDtoData): The row's fields by column.
            detail (str):
            reason (str): `empty-phone`, `invalid-phone`, `duplicate`, `missing-name`, `do-not-call`,
                `wrong-column-count` or (with calling hours) `invalid-timezone`.
            row (int): 1-based data row (the header is not counted).
     """

    data: SkippedRowDtoData
    detail: str
    reason: str
    row: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.skipped_row_dto_data import SkippedRowDtoData # noqa: PLC0415
        data = self.data.to_dict()

        detail = self.detail

        reason = self.reason

        row = self.row


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "detail": detail,
            "reason": reason,
            "row": row,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.skipped_row_dto_data import SkippedRowDtoData # noqa: PLC0415
        d = dict(src_dict)
        data = SkippedRowDtoData.from_dict(d.pop("data"))




        detail = d.pop("detail")

        reason = d.pop("reason")

        row = d.pop("row")

        skipped_row_dto = cls(
            data=data,
            detail=detail,
            reason=reason,
            row=row,
        )


        skipped_row_dto.additional_properties = d
        return skipped_row_dto

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
