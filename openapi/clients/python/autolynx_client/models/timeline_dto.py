from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="TimelineDto")



@_attrs_define
class TimelineDto:
    """ 
        Attributes:
            created_at (datetime.datetime):
            completed_at (datetime.datetime | Unset):
            estimated_completion_at (datetime.datetime | Unset): From the pace so far, while dialing.
            first_dial_at (datetime.datetime | Unset): When the provider accepted the first call.
            started_at (datetime.datetime | Unset): When start was requested.
     """

    created_at: datetime.datetime
    completed_at: datetime.datetime | Unset = UNSET
    estimated_completion_at: datetime.datetime | Unset = UNSET
    first_dial_at: datetime.datetime | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        estimated_completion_at: str | Unset = UNSET
        if not isinstance(self.estimated_completion_at, Unset):
            estimated_completion_at = self.estimated_completion_at.isoformat()

        first_dial_at: str | Unset = UNSET
        if not isinstance(self.first_dial_at, Unset):
            first_dial_at = self.first_dial_at.isoformat()

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "createdAt": created_at,
        })
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if estimated_completion_at is not UNSET:
            field_dict["estimatedCompletionAt"] = estimated_completion_at
        if first_dial_at is not UNSET:
            field_dict["firstDialAt"] = first_dial_at
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        _completed_at = d.pop("completedAt", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at,  Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)




        _estimated_completion_at = d.pop("estimatedCompletionAt", UNSET)
        estimated_completion_at: datetime.datetime | Unset
        if isinstance(_estimated_completion_at,  Unset):
            estimated_completion_at = UNSET
        else:
            estimated_completion_at = datetime.datetime.fromisoformat(_estimated_completion_at)




        _first_dial_at = d.pop("firstDialAt", UNSET)
        first_dial_at: datetime.datetime | Unset
        if isinstance(_first_dial_at,  Unset):
            first_dial_at = UNSET
        else:
            first_dial_at = datetime.datetime.fromisoformat(_first_dial_at)




        _started_at = d.pop("startedAt", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at,  Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)




        timeline_dto = cls(
            created_at=created_at,
            completed_at=completed_at,
            estimated_completion_at=estimated_completion_at,
            first_dial_at=first_dial_at,
            started_at=started_at,
        )


        timeline_dto.additional_properties = d
        return timeline_dto

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
