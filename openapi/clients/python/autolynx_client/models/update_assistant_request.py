from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.update_assistant_request_model import UpdateAssistantRequestModel
  from ..models.update_assistant_request_options import UpdateAssistantRequestOptions
  from ..models.update_assistant_request_voice import UpdateAssistantRequestVoice





T = TypeVar("T", bound="UpdateAssistantRequest")



@_attrs_define
class UpdateAssistantRequest:
    """ 
        Example:
            {'firstMessage': 'Hi, Sam here from Lopez Insurance.', 'name': 'Renewal reminder (v2)'}

        Attributes:
            active (bool | Unset): Local only: inactive assistants cannot be used by new campaigns.
            first_message (str | Unset):
            model (UpdateAssistantRequestModel | Unset): Replaces the whole Vapi `model` object (the system prompt is kept
                unless
                `systemPrompt` is given too).
            name (str | Unset): Also renamed at the provider.
            options (UpdateAssistantRequestOptions | Unset): Top-level Vapi assistant fields to set.
            system_prompt (str | Unset): Replaces the system message of the assistant's model.
            voice (UpdateAssistantRequestVoice | Unset): Replaces the whole Vapi `voice` object.
     """

    active: bool | Unset = UNSET
    first_message: str | Unset = UNSET
    model: UpdateAssistantRequestModel | Unset = UNSET
    name: str | Unset = UNSET
    options: UpdateAssistantRequestOptions | Unset = UNSET
    system_prompt: str | Unset = UNSET
    voice: UpdateAssistantRequestVoice | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.update_assistant_request_model import UpdateAssistantRequestModel # noqa: PLC0415
        from ..models.update_assistant_request_options import UpdateAssistantRequestOptions # noqa: PLC0415
        from ..models.update_assistant_request_voice import UpdateAssistantRequestVoice # noqa: PLC0415
        active = self.active

        first_message = self.first_message

        model: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model, Unset):
            model = self.model.to_dict()

        name = self.name

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
        })
        if active is not UNSET:
            field_dict["active"] = active
        if first_message is not UNSET:
            field_dict["firstMessage"] = first_message
        if model is not UNSET:
            field_dict["model"] = model
        if name is not UNSET:
            field_dict["name"] = name
        if options is not UNSET:
            field_dict["options"] = options
        if system_prompt is not UNSET:
            field_dict["systemPrompt"] = system_prompt
        if voice is not UNSET:
            field_dict["voice"] = voice

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.update_assistant_request_model import UpdateAssistantRequestModel # noqa: PLC0415
        from ..models.update_assistant_request_options import UpdateAssistantRequestOptions # noqa: PLC0415
        from ..models.update_assistant_request_voice import UpdateAssistantRequestVoice # noqa: PLC0415
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        first_message = d.pop("firstMessage", UNSET)

        _model = d.pop("model", UNSET)
        model: UpdateAssistantRequestModel | Unset
        if isinstance(_model,  Unset):
            model = UNSET
        else:
            model = UpdateAssistantRequestModel.from_dict(_model)




        name = d.pop("name", UNSET)

        _options = d.pop("options", UNSET)
        options: UpdateAssistantRequestOptions | Unset
        if isinstance(_options,  Unset):
            options = UNSET
        else:
            options = UpdateAssistantRequestOptions.from_dict(_options)




        system_prompt = d.pop("systemPrompt", UNSET)

        _voice = d.pop("voice", UNSET)
        voice: UpdateAssistantRequestVoice | Unset
        if isinstance(_voice,  Unset):
            voice = UNSET
        else:
            voice = UpdateAssistantRequestVoice.from_dict(_voice)




        update_assistant_request = cls(
            active=active,
            first_message=first_message,
            model=model,
            name=name,
            options=options,
            system_prompt=system_prompt,
            voice=voice,
        )


        update_assistant_request.additional_properties = d
        return update_assistant_request

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
