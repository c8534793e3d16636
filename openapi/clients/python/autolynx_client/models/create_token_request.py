from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CreateTokenRequest")



@_attrs_define
class CreateTokenRequest:
    """ 
        Example:
            {'expiresInDays': 90, 'name': 'crm-sync'}

        Attributes:
            name (str): What the token is for, e.g. "ci" or "laptop".
            expires_at (datetime.datetime | Unset): When the token stops working (must be in the future). With
                `expiresInDays`, give one
                or the other; without either the token never expires. Rotate by issuing the new token
                with the old one still valid, then letting the old one expire (or revoking it).
            expires_in_days (int | Unset): Days from now until the token stops working (1–3650).
     """

    name: str
    expires_at: datetime.datetime | Unset = UNSET
    expires_in_days: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        expires_in_days = self.expires_in_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
        })
        if expires_at is not UNSET:
            field_dict["expiresAt"] = expires_at
        if expires_in_days is not UNSET:
            field_dict["expiresInDays"] = expires_in_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        _expires_at = d.pop("expiresAt", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at,  Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)




        expires_in_days = d.pop("expiresInDays", UNSET)

        create_token_request = cls(
            name=name,
            expires_at=expires_at,
            expires_in_days=expires_in_days,
        )


        create_token_request.additional_properties = d
        return create_token_request

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
