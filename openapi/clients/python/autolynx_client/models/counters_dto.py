from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="CountersDto")



@_attrs_define
class CountersDto:
    """ 
        Attributes:
            active (int): Calls live right now.
            completed (int): Contacts with a final outcome.
            not_attempted (int): Contacts left undialed by a stop.
            pending (int): Contacts not dialed yet.
            successful (int): Calls whose analysis judged them successful.
            total_contacts (int):
            total_cost (float): USD, summed over every call.
     """

    active: int
    completed: int
    not_attempted: int
    pending: int
    successful: int
    total_contacts: int
    total_cost: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        completed = self.completed

        not_attempted = self.not_attempted

        pending = self.pending

        successful = self.successful

        total_contacts = self.total_contacts

        total_cost = self.total_cost


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active": active,
            "completed": completed,
            "notAttempted": not_attempted,
            "pending": pending,
            "successful": successful,
            "totalContacts": total_contacts,
            "totalCost": total_cost,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        completed = d.pop("completed")

        not_attempted = d.pop("notAttempted")

        pending = d.pop("pending")

        successful = d.pop("successful")

        total_contacts = d.pop("totalContacts")

        total_cost = d.pop("totalCost")

        counters_dto = cls(
            active=active,
            completed=completed,
            not_attempted=not_attempted,
            pending=pending,
            successful=successful,
            total_contacts=total_contacts,
            total_cost=total_cost,
        )


        counters_dto.additional_properties = d
        return counters_dto

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
