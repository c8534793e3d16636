from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SafetyBrakeDto")



@_attrs_define
class SafetyBrakeDto:
    """ A campaign's safety brake: it pauses itself (`safety-brake`) when `failureShare` of its last
    `window` finished calls failed, or `failuresInARow` failed one after the other (0: that rule
    off).

        Attributes:
            failure_share (float):
            failures_in_a_row (int):
            window (int):
     """

    failure_share: float
    failures_in_a_row: int
    window: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        failure_share = self.failure_share

        failures_in_a_row = self.failures_in_a_row

        window = self.window


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "failureShare": failure_share,
            "failuresInARow": failures_in_a_row,
            "window": window,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        failure_share = d.pop("failureShare")

        failures_in_a_row = d.pop("failuresInARow")

        window = d.pop("window")

        safety_brake_dto = cls(
            failure_share=failure_share,
            failures_in_a_row=failures_in_a_row,
            window=window,
        )


        safety_brake_dto.additional_properties = d
        return safety_brake_dto

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
