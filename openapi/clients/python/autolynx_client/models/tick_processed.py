from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TickProcessed")



@_attrs_define
class TickProcessed:
    """ 
        Attributes:
            calls_active (int): Live calls now.
            calls_launched (int): Calls the provider accepted since the previous sweep.
            calls_queued (int): Contacts still to dial.
            campaigns (int): Campaigns looked at.
     """

    calls_active: int
    calls_launched: int
    calls_queued: int
    campaigns: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        calls_active = self.calls_active

        calls_launched = self.calls_launched

        calls_queued = self.calls_queued

        campaigns = self.campaigns


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "callsActive": calls_active,
            "callsLaunched": calls_launched,
            "callsQueued": calls_queued,
            "campaigns": campaigns,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        calls_active = d.pop("callsActive")

        calls_launched = d.pop("callsLaunched")

        calls_queued = d.pop("callsQueued")

        campaigns = d.pop("campaigns")

        tick_processed = cls(
            calls_active=calls_active,
            calls_launched=calls_launched,
            calls_queued=calls_queued,
            campaigns=campaigns,
        )


        tick_processed.additional_properties = d
        return tick_processed

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
