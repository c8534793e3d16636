from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.live_event_counters_event_type import LiveEventCountersEventType
from uuid import UUID






T = TypeVar("T", bound="LiveEventCountersEvent")



@_attrs_define
class LiveEventCountersEvent:
    """ One Server-Sent Event. The SSE event name is the `type` field; `data` is this object as
    JSON.

        Attributes:
            active (int): Calls live right now.
            campaign_id (UUID):
            completed (int): Contacts with a final outcome.
            not_attempted (int): Contacts left undialed by a stop.
            pending (int): Contacts not dialed yet.
            successful (int): Calls whose analysis judged them successful.
            total_contacts (int):
            total_cost (float): USD, summed over every call.
            type_ (LiveEventCountersEventType):  Example: counters.
     """

    active: int
    campaign_id: UUID
    completed: int
    not_attempted: int
    pending: int
    successful: int
    total_contacts: int
    total_cost: float
    type_: LiveEventCountersEventType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        campaign_id = str(self.campaign_id)

        completed = self.completed

        not_attempted = self.not_attempted

        pending = self.pending

        successful = self.successful

        total_contacts = self.total_contacts

        total_cost = self.total_cost

        type_ = self.type_.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active": active,
            "campaignId": campaign_id,
            "completed": completed,
            "notAttempted": not_attempted,
            "pending": pending,
            "successful": successful,
            "totalContacts": total_contacts,
            "totalCost": total_cost,
            "type": type_,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        campaign_id = UUID(d.pop("campaignId"))




        completed = d.pop("completed")

        not_attempted = d.pop("notAttempted")

        pending = d.pop("pending")

        successful = d.pop("successful")

        total_contacts = d.pop("totalContacts")

        total_cost = d.pop("totalCost")

        type_ = LiveEventCountersEventType(d.pop("type"))




        live_event_counters_event = cls(
            active=active,
            campaign_id=campaign_id,
            completed=completed,
            not_attempted=not_attempted,
            pending=pending,
            successful=successful,
            total_contacts=total_contacts,
            total_cost=total_cost,
            type_=type_,
        )


        live_event_counters_event.additional_properties = d
        return live_event_counters_event

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
