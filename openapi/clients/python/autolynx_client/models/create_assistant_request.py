from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_assistant_request_model import CreateAssistantRequestModel
  from ..models.create_assistant_request_options import CreateAssistantRequestOptions
  from ..models.create_assistant_request_voice import CreateAssistantRequestVoice





T = TypeVar("T", bound="CreateAssistantRequest")



@_attrs_define
class CreateAssistantRequest:
    """ 
        Example:
            {'ephemeral': True, 'firstMessage': "Hi {{name}}, this is Ava from Acme about {{business_name}}'s renewal. Is
                now a good time?", 'model': {'model': 'gpt-4o-mini', 'provider': 'openai'}, 'name': 'Renewals – Ava', 'options':
                {'maxDurationSeconds': 180}, 'systemPrompt': 'You are Ava, a friendly renewals agent for Acme. Keep calls under
                two minutes.', 'voice': {'provider': 'vapi', 'voiceId': 'Elliot'}}

        Attributes:
            name (str): 1–40 characters (Vapi's limit), not blank.
            ephemeral (bool | Unset): Delete it at the provider too when it is deleted here. Default false.
            first_message (str | Unset): What the assistant says when the call connects; `{{name}}`-style variables are
                filled
                from the contact's CSV columns.
            model (CreateAssistantRequestModel | Unset): Vapi `model` object; default `{"provider": "openai", "model":
                "gpt-4o-mini"}`.
            options (CreateAssistantRequestOptions | Unset): Extra Vapi assistant fields merged in at the top level
                (`voicemailMessage`,
                `maxDurationSeconds`, `analysisPlan`, ...). May not set `name`, `firstMessage`,
                `model` or `voice`.
            system_prompt (str | Unset): Becomes the system message of `model.messages`.
            voice (CreateAssistantRequestVoice | Unset): Vapi `voice` object; default `{"provider": "vapi", "voiceId":
                "Elliot"}`.
     """

    name: str
    ephemeral: bool | Unset = UNSET
    first_message: str | Unset = UNSET
    model: CreateAssistantRequestModel | Unset = UNSET
    options: CreateAssistantRequestOptions | Unset = UNSET
    system_prompt: str | Unset = UNSET
    voice: CreateAssistantRequestVoice | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_assistant_request_model import CreateAssistantRequestModel # noqa: PLC0415
        from ..models.create_assistant_request_options import CreateAssistantRequestOptions # noqa: PLC0415
        from ..models.create_assistant_request_voice import CreateAssistantRequestVoice # noqa: PLC0415
        name = self.name

        ephemeral = self.ephemeral

        first_message = self.first_message

        model: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model, Unset):
            model = self.model.to_dict()

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        system_prompt = self.system_prompt

        voice: dict[str, Any] | Unset = UNSET
        if not isinstance(self.voice, Unset):
            voice = self.voice.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
        })
        if ephemeral is not UNSET:
            field_dict["ephemeral"] = ephemeral
        if first_message is not UNSET:
            field_dict["firstMessage"] = first_message
        if model is not UNSET:
            field_dict["model"] = model
        if options is not UNSET:
            field_dict["options"] = options
        if system_prompt is not UNSET:
            field_dict["systemPrompt"] = system_prompt
        if voice is not UNSET:
            field_dict["voice"] = voice

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_assistant_request_model import CreateAssistantRequestModel # noqa: PLC0415
        from ..models.create_assistant_request_options import CreateAssistantRequestOptions # noqa: PLC0415
        from ..models.create_assistant_request_voice import CreateAssistantRequestVoice # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        ephemeral = d.pop("ephemeral", UNSET)

        first_message = d.pop("firstMessage", UNSET)

        _model = d.pop("model", UNSET)
        model: CreateAssistantRequestModel | Unset
        if isinstance(_model,  Unset):
            model = UNSET
        else:
            model = CreateAssistantRequestModel.from_dict(_model)




        _options = d.pop("options", UNSET)
        options: CreateAssistantRequestOptions | Unset
        if isinstance(_options,  Unset):
            options = UNSET
        else:
            options = CreateAssistantRequestOptions.from_dict(_options)




        system_prompt = d.pop("systemPrompt", UNSET)

        _voice = d.pop("voice", UNSET)
        voice: CreateAssistantRequestVoice | Unset
        if isinstance(_voice,  Unset):
            voice = UNSET
        else:
            voice = CreateAssistantRequestVoice.from_dict(_voice)




        create_assistant_request = cls(
            name=name,
            ephemeral=ephemeral,
            first_message=first_message,
            model=model,
            options=options,
            system_prompt=system_prompt,
            voice=voice,
        )


        create_assistant_request.additional_properties = d
        return create_assistant_request

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
