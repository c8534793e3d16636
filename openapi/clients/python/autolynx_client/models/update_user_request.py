from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.role_dto import RoleDto
from ..types import UNSET, Unset






T = TypeVar("T", bound="UpdateUserRequest")



@_attrs_define
class UpdateUserRequest:
    """ 
        Example:
            {'role': 'admin'}

        Attributes:
            allowlisted (bool | Unset):
            disabled (bool | Unset):
            name (str | Unset):
            role (RoleDto | Unset):
     """

    allowlisted: bool | Unset = UNSET
    disabled: bool | Unset = UNSET
    name: str | Unset = UNSET
    role: RoleDto | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        allowlisted = self.allowlisted

        disabled = self.disabled

        name = self.name

        role: str | Unset = UNSET
        if not isinstance(self.role, Unset):
            role = self.role.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if allowlisted is not UNSET:
            field_dict["allowlisted"] = allowlisted
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if name is not UNSET:
            field_dict["name"] = name
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowlisted = d.pop("allowlisted", UNSET)

        disabled = d.pop("disabled", UNSET)

        name = d.pop("name", UNSET)

        _role = d.pop("role", UNSET)
        role: RoleDto | Unset
        if isinstance(_role,  Unset):
            role = UNSET
        else:
            role = RoleDto(_role)




        update_user_request = cls(
            allowlisted=allowlisted,
            disabled=disabled,
            name=name,
            role=role,
        )


        update_user_request.additional_properties = d
        return update_user_request

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
