from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="AuditEntryDto")



@_attrs_define
class AuditEntryDto:
    """ 
        Attributes:
            action (str): `<target>.<verb>`, e.g. `campaign.start`, `token.create`, `suppression.import`.
            actor_name (str): The actor's name at the time.
            created_at (datetime.datetime):
            details (Any): What changed (never secrets; phone numbers masked).
            id (UUID):
            target_type (str): `user`, `token`, `assistant`, `suppression`, `campaign`.
            actor_user_id (UUID | Unset): The user who acted; absent for actions outside the API.
            request_id (str | Unset): The request's `X-Request-Id`, to find its log lines.
            target_id (str | Unset):
     """

    action: str
    actor_name: str
    created_at: datetime.datetime
    details: Any
    id: UUID
    target_type: str
    actor_user_id: UUID | Unset = UNSET
    request_id: str | Unset = UNSET
    target_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        action = self.action

        actor_name = self.actor_name

        created_at = self.created_at.isoformat()

        details = self.details

        id = str(self.id)

        target_type = self.target_type

        actor_user_id: str | Unset = UNSET
        if not isinstance(self.actor_user_id, Unset):
            actor_user_id = str(self.actor_user_id)

        request_id = self.request_id

        target_id = self.target_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "action": action,
            "actorName": actor_name,
            "createdAt": created_at,
            "details": details,
            "id": id,
            "targetType": target_type,
        })
        if actor_user_id is not UNSET:
            field_dict["actorUserId"] = actor_user_id
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if target_id is not UNSET:
            field_dict["targetId"] = target_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        actor_name = d.pop("actorName")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        details = d.pop("details")

        id = UUID(d.pop("id"))




        target_type = d.pop("targetType")

        _actor_user_id = d.pop("actorUserId", UNSET)
        actor_user_id: UUID | Unset
        if isinstance(_actor_user_id,  Unset):
            actor_user_id = UNSET
        else:
            actor_user_id = UUID(_actor_user_id)




        request_id = d.pop("requestId", UNSET)

        target_id = d.pop("targetId", UNSET)

        audit_entry_dto = cls(
            action=action,
            actor_name=actor_name,
            created_at=created_at,
            details=details,
            id=id,
            target_type=target_type,
            actor_user_id=actor_user_id,
            request_id=request_id,
            target_id=target_id,
        )


        audit_entry_dto.additional_properties = d
        return audit_entry_dto

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
