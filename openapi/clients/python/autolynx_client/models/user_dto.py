from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role_dto import RoleDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="UserDto")



@_attrs_define
class UserDto:
    """ 
        Example:
            {'allowlisted': True, 'createdAt': '2026-12-01T15:04:05.000Z', 'disabled': False, 'email': 'olga@example.com',
                'id': '01938a10-2b4c-7d5e-8f60-718293a4b5c6', 'name': 'Olga Operator', 'role': 'operator', 'updatedAt':
                '2026-12-01T15:04:05.000Z'}

        Attributes:
            allowlisted (bool): Only allowlisted users can authenticate.
            created_at (datetime.datetime):
            disabled (bool): A disabled user's tokens stop working at once.
            id (UUID):
            name (str):
            role (RoleDto):
            updated_at (datetime.datetime):
            email (str | Unset):
     """

    allowlisted: bool
    created_at: datetime.datetime
    disabled: bool
    id: UUID
    name: str
    role: RoleDto
    updated_at: datetime.datetime
    email: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        allowlisted = self.allowlisted

        created_at = self.created_at.isoformat()

        disabled = self.disabled

        id = str(self.id)

        name = self.name

        role = self.role.value

        updated_at = self.updated_at.isoformat()

        email = self.email


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "allowlisted": allowlisted,
            "createdAt": created_at,
            "disabled": disabled,
            "id": id,
            "name": name,
            "role": role,
            "updatedAt": updated_at,
        })
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowlisted = d.pop("allowlisted")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        disabled = d.pop("disabled")

        id = UUID(d.pop("id"))




        name = d.pop("name")

        role = RoleDto(d.pop("role"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        email = d.pop("email", UNSET)

        user_dto = cls(
            allowlisted=allowlisted,
            created_at=created_at,
            disabled=disabled,
            id=id,
            name=name,
            role=role,
            updated_at=updated_at,
            email=email,
        )


        user_dto.additional_properties = d
        return user_dto

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
