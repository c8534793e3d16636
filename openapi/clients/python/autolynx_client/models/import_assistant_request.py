from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ImportAssistantRequest")



@_attrs_define
class ImportAssistantRequest:
    """ 
        Example:
            {'name': 'Renewal reminder', 'providerAssistantId': 'asst_5f0c1d2e'}

        Attributes:
            provider_assistant_id (str): An existing assistant's id at the provider.
            name (str | Unset): The name shown here; defaults to the provider's name.
     """

    provider_assistant_id: str
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        provider_assistant_id = self.provider_assistant_id

        name = self.name


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "providerAssistantId": provider_assistant_id,
        })
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider_assistant_id = d.pop("providerAssistantId")

        name = d.pop("name", UNSET)

        import_assistant_request = cls(
            provider_assistant_id=provider_assistant_id,
            name=name,
        )


        import_assistant_request.additional_properties = d
        return import_assistant_request

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
