from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.token_dto import TokenDto





T = TypeVar("T", bound="CreatedTokenDto")



@_attrs_define
class CreatedTokenDto:
    """ 
        Example:
            {'info': {'createdAt': '2026-12-01T15:04:05.000Z', 'expiresAt': '2027-03-01T00:00:00.000Z', 'id':
                '01938a10-2b4d-7e6f-8071-8293a4b5c6d7', 'lastUsedAt': '2026-12-01T15:42:17.315Z', 'name': 'crm-sync', 'prefix':
                'alx_3f9a'}, 'token': 'alx_3f9a2c7e0b6d4f18a5c9e2b7d1f04a6c'}

        Attributes:
            info (TokenDto):  Example: {'createdAt': '2026-12-01T15:04:05.000Z', 'expiresAt': '2027-03-01T00:00:00.000Z',
                'id': '01938a10-2b4d-7e6f-8071-8293a4b5c6d7', 'lastUsedAt': '2026-12-01T15:42:17.315Z', 'name': 'crm-sync',
                'prefix': 'alx_3f9a'}.
            token (str): The bearer token. Shown this once: only its hash is stored.
     """

    info: TokenDto
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.token_dto import TokenDto # noqa: PLC0415
        info = self.info.to_dict()

        token = self.token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "info": info,
            "token": token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.token_dto import TokenDto # noqa: PLC0415
        d = dict(src_dict)
        info = TokenDto.from_dict(d.pop("info"))




        token = d.pop("token")

        created_token_dto = cls(
            info=info,
            token=token,
        )


        created_token_dto.additional_properties = d
        return created_token_dto

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
