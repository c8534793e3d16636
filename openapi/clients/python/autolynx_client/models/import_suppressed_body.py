from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO






T = TypeVar("T", bound="ImportSuppressedBody")



@_attrs_define
class ImportSuppressedBody:
    """ 
        Attributes:
            file (File): A text file: a CSV with a `phone` column (other columns ignored; an optional `reason`
                column is kept), or one number per line without a header. A file with NUL bytes is
                not text and is refused (422).
            reason (str | Unset): Reason recorded for rows without their own.
     """

    file: File
    reason: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "file": file,
        })
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        if not isinstance(self.reason, Unset):
            files.append(("reason", (None, str(self.reason).encode(), "text/plain")))





        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        reason = d.pop("reason", UNSET)

        import_suppressed_body = cls(
            file=file,
            reason=reason,
        )

        return import_suppressed_body

