from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="RedialDto")



@_attrs_define
class RedialDto:
    """ How unanswered contacts are called again.

        Attributes:
            delay_seconds (int): Wait after an unanswered attempt.
            max_attempts (int): Attempts per contact, the first included.
            on (list[str]): Outcomes that lead to a redial.
     """

    delay_seconds: int
    max_attempts: int
    on: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        delay_seconds = self.delay_seconds

        max_attempts = self.max_attempts

        on = self.on




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "delaySeconds": delay_seconds,
            "maxAttempts": max_attempts,
            "on": on,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delay_seconds = d.pop("delaySeconds")

        max_attempts = d.pop("maxAttempts")

        on = cast(list[str], d.pop("on"))


        redial_dto = cls(
            delay_seconds=delay_seconds,
            max_attempts=max_attempts,
            on=on,
        )


        redial_dto.additional_properties = d
        return redial_dto

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
