from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.call_status_dto import CallStatusDto
from ..models.outcome_dto import OutcomeDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="LatestCallDto")



@_attrs_define
class LatestCallDto:
    """ 
        Attributes:
            attempt (int):
            id (UUID):
            status (CallStatusDto):
            cost (float | Unset):
            duration_seconds (float | Unset):
            ended_at (datetime.datetime | Unset):
            ended_reason (str | Unset):
            outcome (OutcomeDto | Unset): What an ended call means for the contact (our classification of Vapi's
                `endedReason`).
            recording_url (str | Unset):
            started_at (datetime.datetime | Unset):
            success_evaluation (str | Unset):
            summary (str | Unset):
     """

    attempt: int
    id: UUID
    status: CallStatusDto
    cost: float | Unset = UNSET
    duration_seconds: float | Unset = UNSET
    ended_at: datetime.datetime | Unset = UNSET
    ended_reason: str | Unset = UNSET
    outcome: OutcomeDto | Unset = UNSET
    recording_url: str | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    success_evaluation: str | Unset = UNSET
    summary: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        id = str(self.id)

        status = self.status.value

        cost = self.cost

        duration_seconds = self.duration_seconds

        ended_at: str | Unset = UNSET
        if not isinstance(self.ended_at, Unset):
            ended_at = self.ended_at.isoformat()

        ended_reason = self.ended_reason

        outcome: str | Unset = UNSET
        if not isinstance(self.outcome, Unset):
            outcome = self.outcome.value


        recording_url = self.recording_url

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        success_evaluation = self.success_evaluation

        summary = self.summary


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempt": attempt,
            "id": id,
            "status": status,
        })
        if cost is not UNSET:
            field_dict["cost"] = cost
        if duration_seconds is not UNSET:
            field_dict["durationSeconds"] = duration_seconds
        if ended_at is not UNSET:
            field_dict["endedAt"] = ended_at
        if ended_reason is not UNSET:
            field_dict["endedReason"] = ended_reason
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if recording_url is not UNSET:
            field_dict["recordingUrl"] = recording_url
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at
        if success_evaluation is not UNSET:
            field_dict["successEvaluation"] = success_evaluation
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        id = UUID(d.pop("id"))




        status = CallStatusDto(d.pop("status"))




        cost = d.pop("cost", UNSET)

        duration_seconds = d.pop("durationSeconds", UNSET)

        _ended_at = d.pop("endedAt", UNSET)
        ended_at: datetime.datetime | Unset
        if isinstance(_ended_at,  Unset):
            ended_at = UNSET
        else:
            ended_at = datetime.datetime.fromisoformat(_ended_at)




        ended_reason = d.pop("endedReason", UNSET)

        _outcome = d.pop("outcome", UNSET)
        outcome: OutcomeDto | Unset
        if isinstance(_outcome,  Unset):
            outcome = UNSET
        else:
            outcome = OutcomeDto(_outcome)




        recording_url = d.pop("recordingUrl", UNSET)

        _started_at = d.pop("startedAt", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at,  Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)




        success_evaluation = d.pop("successEvaluation", UNSET)

        summary = d.pop("summary", UNSET)

        latest_call_dto = cls(
            attempt=attempt,
            id=id,
            status=status,
            cost=cost,
            duration_seconds=duration_seconds,
            ended_at=ended_at,
            ended_reason=ended_reason,
            outcome=outcome,
            recording_url=recording_url,
            started_at=started_at,
            success_evaluation=success_evaluation,
            summary=summary,
        )


        latest_call_dto.additional_properties = d
        return latest_call_dto

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
