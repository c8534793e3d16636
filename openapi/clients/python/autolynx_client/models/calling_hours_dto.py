from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="CallingHoursDto")



@_attrs_define
class CallingHoursDto:
    """ When contacts may be called, in their local time.

        Attributes:
            days (list[str]): Weekdays (`mon` … `sun`) the window opens on.
            timezone (str): Time zone of contacts without their own.
            window (str): `"HH:MM-HH:MM"`, start inclusive, end exclusive.
     """

    days: list[str]
    timezone: str
    window: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        days = self.days



        timezone = self.timezone

        window = self.window


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "days": days,
            "timezone": timezone,
            "window": window,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = cast(list[str], d.pop("days"))


        timezone = d.pop("timezone")

        window = d.pop("window")

        calling_hours_dto = cls(
            days=days,
            timezone=timezone,
            window=window,
        )


        calling_hours_dto.additional_properties = d
        return calling_hours_dto

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
