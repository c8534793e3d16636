from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.line_status import LineStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="PhoneLineHealth")



@_attrs_define
class PhoneLineHealth:
    """ 
        Example:
            {'cached': False, 'checkedAt': '2026-12-01T15:42:17.315Z', 'liveCalls': 5, 'phoneNumberId': 'ph_7c1d2e3f',
                'status': 'busy'}

        Attributes:
            cached (bool): The answer was reused (lines are asked at most once a minute).
            checked_at (datetime.datetime):
            live_calls (int): Calls the provider counts as live on the line (created in the last 12 hours).
            phone_number_id (str):
            status (LineStatus):
            error (str | Unset):
     """

    cached: bool
    checked_at: datetime.datetime
    live_calls: int
    phone_number_id: str
    status: LineStatus
    error: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        cached = self.cached

        checked_at = self.checked_at.isoformat()

        live_calls = self.live_calls

        phone_number_id = self.phone_number_id

        status = self.status.value

        error = self.error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cached": cached,
            "checkedAt": checked_at,
            "liveCalls": live_calls,
            "phoneNumberId": phone_number_id,
            "status": status,
        })
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cached = d.pop("cached")

        checked_at = datetime.datetime.fromisoformat(d.pop("checkedAt"))




        live_calls = d.pop("liveCalls")

        phone_number_id = d.pop("phoneNumberId")

        status = LineStatus(d.pop("status"))




        error = d.pop("error", UNSET)

        phone_line_health = cls(
            cached=cached,
            checked_at=checked_at,
            live_calls=live_calls,
            phone_number_id=phone_number_id,
            status=status,
            error=error,
        )


        phone_line_health.additional_properties = d
        return phone_line_health

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
