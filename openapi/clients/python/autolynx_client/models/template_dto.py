from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TemplateDto")



@_attrs_define
class TemplateDto:
    """ 
        Example:
            {'config': {'maxDurationSeconds': 300}, 'description': 'A friendly 30-second pitch that books a follow-up.',
                'firstMessage': 'Hi {{name}}, this is Sam calling about {{business_name}}.', 'key': 'short-pitch', 'name':
                'Short pitch', 'systemPrompt': 'You are Sam, a polite caller. Keep it under a minute.'}

        Attributes:
            config (Any): The Vapi assistant body a clone is created with.
            description (str):
            first_message (str):
            key (str):
            name (str):
            system_prompt (str):
     """

    config: Any
    description: str
    first_message: str
    key: str
    name: str
    system_prompt: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        config = self.config

        description = self.description

        first_message = self.first_message

        key = self.key

        name = self.name

        system_prompt = self.system_prompt


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "config": config,
            "description": description,
            "firstMessage": first_message,
            "key": key,
            "name": name,
            "systemPrompt": system_prompt,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        config = d.pop("config")

        description = d.pop("description")

        first_message = d.pop("firstMessage")

        key = d.pop("key")

        name = d.pop("name")

        system_prompt = d.pop("systemPrompt")

        template_dto = cls(
            config=config,
            description=description,
            first_message=first_message,
            key=key,
            name=name,
            system_prompt=system_prompt,
        )


        template_dto.additional_properties = d
        return template_dto

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
