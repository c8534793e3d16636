from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.check_status import CheckStatus
from ..types import UNSET, Unset






T = TypeVar("T", bound="Check")



@_attrs_define
class Check:
    """ 
        Attributes:
            latency_ms (float):
            status (CheckStatus):
            cached (bool | Unset): The answer was reused from an earlier check (provider only).
            error (str | Unset): Why the check failed; absent when healthy.
            supervisors (int | Unset): Campaign supervisors the runtime holds (runtime only).
     """

    latency_ms: float
    status: CheckStatus
    cached: bool | Unset = UNSET
    error: str | Unset = UNSET
    supervisors: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        latency_ms = self.latency_ms

        status = self.status.value

        cached = self.cached

        error = self.error

        supervisors = self.supervisors


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "latencyMs": latency_ms,
            "status": status,
        })
        if cached is not UNSET:
            field_dict["cached"] = cached
        if error is not UNSET:
            field_dict["error"] = error
        if supervisors is not UNSET:
            field_dict["supervisors"] = supervisors

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        latency_ms = d.pop("latencyMs")

        status = CheckStatus(d.pop("status"))




        cached = d.pop("cached", UNSET)

        error = d.pop("error", UNSET)

        supervisors = d.pop("supervisors", UNSET)

        check = cls(
            latency_ms=latency_ms,
            status=status,
            cached=cached,
            error=error,
            supervisors=supervisors,
        )


        check.additional_properties = d
        return check

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
