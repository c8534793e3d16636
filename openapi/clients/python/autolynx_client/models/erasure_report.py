from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ErasureReport")



@_attrs_define
class ErasureReport:
    """ What an erasure removed.

        Example:
            {'calls': 3, 'contacts': 2, 'events': 11, 'phone': '+14152345678'}

        Attributes:
            calls (int):
            contacts (int): Contacts removed, across every campaign.
            events (int): Stored webhook events of those calls.
            phone (str): E.164: now on the do-not-call list.
     """

    calls: int
    contacts: int
    events: int
    phone: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        calls = self.calls

        contacts = self.contacts

        events = self.events

        phone = self.phone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "calls": calls,
            "contacts": contacts,
            "events": events,
            "phone": phone,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        calls = d.pop("calls")

        contacts = d.pop("contacts")

        events = d.pop("events")

        phone = d.pop("phone")

        erasure_report = cls(
            calls=calls,
            contacts=contacts,
            events=events,
            phone=phone,
        )


        erasure_report.additional_properties = d
        return erasure_report

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
