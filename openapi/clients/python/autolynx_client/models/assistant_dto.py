from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.source_dto import SourceDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="AssistantDto")



@_attrs_define
class AssistantDto:
    """ 
        Example:
            {'active': True, 'config': {'firstMessage': 'Hi, this is Sam from Lopez Insurance.', 'model': {'model':
                'gpt-4o-mini', 'provider': 'openai'}}, 'createdAt': '2026-12-01T15:04:05.000Z', 'ephemeral': False, 'id':
                '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'name': 'Renewal reminder', 'providerAssistantId': 'asst_5f0c1d2e',
                'source': 'template', 'templateKey': 'short-pitch', 'updatedAt': '2026-12-01T15:04:05.000Z'}

        Attributes:
            active (bool): Only active assistants can be used by new campaigns.
            config (Any): The Vapi assistant body as last sent to (or, for imports, read from) the provider.
            created_at (datetime.datetime):
            ephemeral (bool): Deleting it also deletes it at the provider.
            id (UUID):
            name (str):
            source (SourceDto):
            updated_at (datetime.datetime):
            provider_assistant_id (str | Unset): The provider's (Vapi) assistant id; campaigns dial with it.
            template_key (str | Unset): The template it was cloned from (`source = template`).
     """

    active: bool
    config: Any
    created_at: datetime.datetime
    ephemeral: bool
    id: UUID
    name: str
    source: SourceDto
    updated_at: datetime.datetime
    provider_assistant_id: str | Unset = UNSET
    template_key: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        config = self.config

        created_at = self.created_at.isoformat()

        ephemeral = self.ephemeral

        id = str(self.id)

        name = self.name

        source = self.source.value

        updated_at = self.updated_at.isoformat()

        provider_assistant_id = self.provider_assistant_id

        template_key = self.template_key


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active": active,
            "config": config,
            "createdAt": created_at,
            "ephemeral": ephemeral,
            "id": id,
            "name": name,
            "source": source,
            "updatedAt": updated_at,
        })
        if provider_assistant_id is not UNSET:
            field_dict["providerAssistantId"] = provider_assistant_id
        if template_key is not UNSET:
            field_dict["templateKey"] = template_key

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        config = d.pop("config")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        ephemeral = d.pop("ephemeral")

        id = UUID(d.pop("id"))




        name = d.pop("name")

        source = SourceDto(d.pop("source"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        provider_assistant_id = d.pop("providerAssistantId", UNSET)

        template_key = d.pop("templateKey", UNSET)

        assistant_dto = cls(
            active=active,
            config=config,
            created_at=created_at,
            ephemeral=ephemeral,
            id=id,
            name=name,
            source=source,
            updated_at=updated_at,
            provider_assistant_id=provider_assistant_id,
            template_key=template_key,
        )


        assistant_dto.additional_properties = d
        return assistant_dto

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
