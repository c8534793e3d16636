from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CloneTemplateRequest")



@_attrs_define
class CloneTemplateRequest:
    """ 
        Example:
            {'name': 'Renewal reminder'}

        Attributes:
            ephemeral (bool | Unset): Default false.
            name (str | Unset): Defaults to the template's name.
     """

    ephemeral: bool | Unset = UNSET
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        ephemeral = self.ephemeral

        name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if ephemeral is not UNSET:
            field_dict["ephemeral"] = ephemeral
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ephemeral = d.pop("ephemeral", UNSET)

        name = d.pop("name", UNSET)

        clone_template_request = cls(
            ephemeral=ephemeral,
            name=name,
        )


        clone_template_request.additional_properties = d
        return clone_template_request

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
