from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.user_dto import UserDto





T = TypeVar("T", bound="MeDto")



@_attrs_define
class MeDto:
    """ 
        Example:
            {'tokenId': '01938a10-2b4d-7e6f-8071-8293a4b5c6d7', 'tokenName': 'olga-laptop', 'user': {'allowlisted': True,
                'createdAt': '2026-12-01T15:04:05.000Z', 'disabled': False, 'email': 'olga@example.com', 'id':
                '01938a10-2b4c-7d5e-8f60-718293a4b5c6', 'name': 'Olga Operator', 'role': 'operator', 'updatedAt':
                '2026-12-01T15:04:05.000Z'}}

        Attributes:
            token_id (UUID): The token this request was authenticated with.
            token_name (str):
            user (UserDto):  Example: {'allowlisted': True, 'createdAt': '2026-12-01T15:04:05.000Z', 'disabled': False,
                'email': 'olga@example.com', 'id': '01938a10-2b4c-7d5e-8f60-718293a4b5c6', 'name': 'Olga Operator', 'role':
                'operator', 'updatedAt': '2026-12-01T15:04:05.000Z'}.
     """

    token_id: UUID
    token_name: str
    user: UserDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.user_dto import UserDto # noqa: PLC0415
        token_id = str(self.token_id)

        token_name = self.token_name

        user = self.user.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "tokenId": token_id,
            "tokenName": token_name,
            "user": user,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_dto import UserDto # noqa: PLC0415
        d = dict(src_dict)
        token_id = UUID(d.pop("tokenId"))




        token_name = d.pop("tokenName")

        user = UserDto.from_dict(d.pop("user"))




        me_dto = cls(
            token_id=token_id,
            token_name=token_name,
            user=user,
        )


        me_dto.additional_properties = d
        return me_dto

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
