from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.contact_status_dto import ContactStatusDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.contact_dto_variables import ContactDtoVariables
  from ..models.latest_call_dto import LatestCallDto





T = TypeVar("T", bound="ContactDto")



@_attrs_define
class ContactDto:
    """ 
        Attributes:
            attempts (int):
            batch_index (int):
            business_name (str):
            id (UUID):
            name (str):
            phone (str): E.164.
            phone_original (str): As written in the CSV.
            row (int):
            status (ContactStatusDto): A contact's status.
            variables (ContactDtoVariables):
            latest_call (LatestCallDto | Unset):
            next_attempt_at (datetime.datetime | Unset): A redial is due then (the contact is PENDING again after an
                unanswered attempt).
            timezone (str | Unset): The contact's own IANA time zone (from the CSV), used for calling hours.
     """

    attempts: int
    batch_index: int
    business_name: str
    id: UUID
    name: str
    phone: str
    phone_original: str
    row: int
    status: ContactStatusDto
    variables: ContactDtoVariables
    latest_call: LatestCallDto | Unset = UNSET
    next_attempt_at: datetime.datetime | Unset = UNSET
    timezone: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.contact_dto_variables import ContactDtoVariables # noqa: PLC0415
        from ..models.latest_call_dto import LatestCallDto # noqa: PLC0415
        attempts = self.attempts

        batch_index = self.batch_index

        business_name = self.business_name

        id = str(self.id)

        name = self.name

        phone = self.phone

        phone_original = self.phone_original

        row = self.row

        status = self.status.value

        variables = self.variables.to_dict()

        latest_call: dict[str, Any] | Unset = UNSET
        if not isinstance(self.latest_call, Unset):
            latest_call = self.latest_call.to_dict()

        next_attempt_at: str | Unset = UNSET
        if not isinstance(self.next_attempt_at, Unset):
            next_attempt_at = self.next_attempt_at.isoformat()

        timezone = self.timezone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "batchIndex": batch_index,
            "businessName": business_name,
            "id": id,
            "name": name,
            "phone": phone,
            "phoneOriginal": phone_original,
            "row": row,
            "status": status,
            "variables": variables,
        })
        if latest_call is not UNSET:
            field_dict["latestCall"] = latest_call
        if next_attempt_at is not UNSET:
            field_dict["nextAttemptAt"] = next_attempt_at
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_dto_variables import ContactDtoVariables # noqa: PLC0415
        from ..models.latest_call_dto import LatestCallDto # noqa: PLC0415
        d = dict(src_dict)
        attempts = d.pop("attempts")

        batch_index = d.pop("batchIndex")

        business_name = d.pop("businessName")

        id = UUID(d.pop("id"))




        name = d.pop("name")

        phone = d.pop("phone")

        phone_original = d.pop("phoneOriginal")

        row = d.pop("row")

        status = ContactStatusDto(d.pop("status"))




        variables = ContactDtoVariables.from_dict(d.pop("variables"))




        _latest_call = d.pop("latestCall", UNSET)
        latest_call: LatestCallDto | Unset
        if isinstance(_latest_call,  Unset):
            latest_call = UNSET
        else:
            latest_call = LatestCallDto.from_dict(_latest_call)




        _next_attempt_at = d.pop("nextAttemptAt", UNSET)
        next_attempt_at: datetime.datetime | Unset
        if isinstance(_next_attempt_at,  Unset):
            next_attempt_at = UNSET
        else:
            next_attempt_at = datetime.datetime.fromisoformat(_next_attempt_at)




        timezone = d.pop("timezone", UNSET)

        contact_dto = cls(
            attempts=attempts,
            batch_index=batch_index,
            business_name=business_name,
            id=id,
            name=name,
            phone=phone,
            phone_original=phone_original,
            row=row,
            status=status,
            variables=variables,
            latest_call=latest_call,
            next_attempt_at=next_attempt_at,
            timezone=timezone,
        )


        contact_dto.additional_properties = d
        return contact_dto

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
