from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_mode_dto import CampaignModeDto
from ..models.campaign_status_dto import CampaignStatusDto
from ..models.pause_reason_dto import PauseReasonDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.calling_hours_dto import CallingHoursDto
  from ..models.counters_dto import CountersDto
  from ..models.metrics_dto import MetricsDto
  from ..models.redial_dto import RedialDto
  from ..models.safety_brake_dto import SafetyBrakeDto
  from ..models.timeline_dto import TimelineDto





T = TypeVar("T", bound="CampaignDetailDto")



@_attrs_define
class CampaignDetailDto:
    """ 
        Example:
            {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'assistantName': 'Renewal reminder', 'budgetUsd': 250.0,
                'callingHours': {'days': ['mon', 'tue', 'wed', 'thu', 'fri'], 'timezone': 'America/Los_Angeles', 'window':
                '09:00-18:00'}, 'cap': 5, 'counters': {'active': 5, 'completed': 127, 'notAttempted': 0, 'pending': 118,
                'successful': 41, 'totalContacts': 250, 'totalCost': 31.85}, 'createdAt': '2026-12-01T15:04:05.000Z', 'id':
                '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'lineQuietGating': False, 'metrics': {'averageCost': 0.2412,
                'averageDurationSeconds': 48.6, 'callsByStatus': {'ENDED': 131, 'FAILED': 2, 'IN_PROGRESS': 5},
                'contactsByStatus': {'DIALING': 5, 'DONE': 127, 'PENDING': 118}, 'successRate': 0.3228, 'totalCost': 31.85},
                'mode': 'continuous', 'name': 'Spring renewals', 'ownerId': '01938a10-2b4c-7d5e-8f60-718293a4b5c6',
                'phoneNumberId': 'ph_7c1d2e3f', 'redial': {'delaySeconds': 3600, 'maxAttempts': 3, 'on': ['no-answer', 'busy']},
                'safetyBrake': {'failureShare': 0.5, 'failuresInARow': 5, 'window': 20}, 'settings': {'defaultRegion': 'US',
                'sourceFile': 'renewals.csv', 'timezone': 'America/Los_Angeles', 'variableColumns': ['renewal_date']},
                'startedAt': '2026-12-01T15:10:00.000Z', 'status': 'RUNNING', 'timeline': {'createdAt':
                '2026-12-01T15:04:05.000Z', 'estimatedCompletionAt': '2026-12-01T16:20:00.000Z', 'firstDialAt':
                '2026-12-01T15:10:00.120Z', 'startedAt': '2026-12-01T15:10:00.000Z'}, 'updatedAt': '2026-12-01T15:42:17.315Z'}

        Attributes:
            assistant_id (UUID):
            cap (int):
            counters (CountersDto):
            created_at (datetime.datetime):
            id (UUID):
            line_quiet_gating (bool):
            metrics (MetricsDto):
            mode (CampaignModeDto):
            name (str):
            owner_id (UUID):
            phone_number_id (str):
            settings (Any): Settings the campaign was created with.
            status (CampaignStatusDto):
            timeline (TimelineDto):
            updated_at (datetime.datetime):
            assistant_name (str | Unset):
            budget_usd (float | Unset): Spend limit in US dollars; absent when there is none.
            calling_hours (CallingHoursDto | Unset): When contacts may be called, in their local time.
            completed_at (datetime.datetime | Unset):
            failure_reason (str | Unset): Why the campaign FAILED, when it did.
            pause_detail (str | Unset): The numbers that tripped a guardrail's pause, in words.
            pause_reason (PauseReasonDto | Unset): Why a campaign is PAUSED.
            redial (RedialDto | Unset): How unanswered contacts are called again.
            safety_brake (SafetyBrakeDto | Unset): A campaign's safety brake: it pauses itself (`safety-brake`) when
                `failureShare` of its last
                `window` finished calls failed, or `failuresInARow` failed one after the other (0: that rule
                off).
            start_at (datetime.datetime | Unset): The campaign places no call before this moment (its scheduled start);
                absent when it
                starts at once. A started campaign waiting for it is QUEUED.
            started_at (datetime.datetime | Unset):
     """

    assistant_id: UUID
    cap: int
    counters: CountersDto
    created_at: datetime.datetime
    id: UUID
    line_quiet_gating: bool
    metrics: MetricsDto
    mode: CampaignModeDto
    name: str
    owner_id: UUID
    phone_number_id: str
    settings: Any
    status: CampaignStatusDto
    timeline: TimelineDto
    updated_at: datetime.datetime
    assistant_name: str | Unset = UNSET
    budget_usd: float | Unset = UNSET
    calling_hours: CallingHoursDto | Unset = UNSET
    completed_at: datetime.datetime | Unset = UNSET
    failure_reason: str | Unset = UNSET
    pause_detail: str | Unset = UNSET
    pause_reason: PauseReasonDto | Unset = UNSET
    redial: RedialDto | Unset = UNSET
    safety_brake: SafetyBrakeDto | Unset = UNSET
    start_at: datetime.datetime | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.calling_hours_dto import CallingHoursDto # noqa: PLC0415
        from ..models.counters_dto import CountersDto # noqa: PLC0415
        from ..models.metrics_dto import MetricsDto # noqa: PLC0415
        from ..models.redial_dto import RedialDto # noqa: PLC0415
        from ..models.safety_brake_dto import SafetyBrakeDto # noqa: PLC0415
        from ..models.timeline_dto import TimelineDto # noqa: PLC0415
        assistant_id = str(self.assistant_id)

        cap = self.cap

        counters = self.counters.to_dict()

        created_at = self.created_at.isoformat()

        id = str(self.id)

        line_quiet_gating = self.line_quiet_gating

        metrics = self.metrics.to_dict()

        mode = self.mode.value

        name = self.name

        owner_id = str(self.owner_id)

        phone_number_id = self.phone_number_id

        settings = self.settings

        status = self.status.value

        timeline = self.timeline.to_dict()

        updated_at = self.updated_at.isoformat()

        assistant_name = self.assistant_name

        budget_usd = self.budget_usd

        calling_hours: dict[str, Any] | Unset = UNSET
        if not isinstance(self.calling_hours, Unset):
            calling_hours = self.calling_hours.to_dict()

        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        failure_reason = self.failure_reason

        pause_detail = self.pause_detail

        pause_reason: str | Unset = UNSET
        if not isinstance(self.pause_reason, Unset):
            pause_reason = self.pause_reason.value


        redial: dict[str, Any] | Unset = UNSET
        if not isinstance(self.redial, Unset):
            redial = self.redial.to_dict()

        safety_brake: dict[str, Any] | Unset = UNSET
        if not isinstance(self.safety_brake, Unset):
            safety_brake = self.safety_brake.to_dict()

        start_at: str | Unset = UNSET
        if not isinstance(self.start_at, Unset):
            start_at = self.start_at.isoformat()

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "assistantId": assistant_id,
            "cap": cap,
            "counters": counters,
            "createdAt": created_at,
            "id": id,
            "lineQuietGating": line_quiet_gating,
            "metrics": metrics,
            "mode": mode,
            "name": name,
            "ownerId": owner_id,
            "phoneNumberId": phone_number_id,
            "settings": settings,
            "status": status,
            "timeline": timeline,
            "updatedAt": updated_at,
        })
        if assistant_name is not UNSET:
            field_dict["assistantName"] = assistant_name
        if budget_usd is not UNSET:
            field_dict["budgetUsd"] = budget_usd
        if calling_hours is not UNSET:
            field_dict["callingHours"] = calling_hours
        if completed_at is not UNSET:
            field_dict["completedAt"] = completed_at
        if failure_reason is not UNSET:
            field_dict["failureReason"] = failure_reason
        if pause_detail is not UNSET:
            field_dict["pauseDetail"] = pause_detail
        if pause_reason is not UNSET:
            field_dict["pauseReason"] = pause_reason
        if redial is not UNSET:
            field_dict["redial"] = redial
        if safety_brake is not UNSET:
            field_dict["safetyBrake"] = safety_brake
        if start_at is not UNSET:
            field_dict["startAt"] = start_at
        if started_at is not UNSET:
            field_dict["startedAt"] = started_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.calling_hours_dto import CallingHoursDto # noqa: PLC0415
        from ..models.counters_dto import CountersDto # noqa: PLC0415
        from ..models.metrics_dto import MetricsDto # noqa: PLC0415
        from ..models.redial_dto import RedialDto # noqa: PLC0415
        from ..models.safety_brake_dto import SafetyBrakeDto # noqa: PLC0415
        from ..models.timeline_dto import TimelineDto # noqa: PLC0415
        d = dict(src_dict)
        assistant_id = UUID(d.pop("assistantId"))




        cap = d.pop("cap")

        counters = CountersDto.from_dict(d.pop("counters"))




        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))




        id = UUID(d.pop("id"))




        line_quiet_gating = d.pop("lineQuietGating")

        metrics = MetricsDto.from_dict(d.pop("metrics"))




        mode = CampaignModeDto(d.pop("mode"))




        name = d.pop("name")

        owner_id = UUID(d.pop("ownerId"))




        phone_number_id = d.pop("phoneNumberId")

        settings = d.pop("settings")

        status = CampaignStatusDto(d.pop("status"))




        timeline = TimelineDto.from_dict(d.pop("timeline"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))




        assistant_name = d.pop("assistantName", UNSET)

        budget_usd = d.pop("budgetUsd", UNSET)

        _calling_hours = d.pop("callingHours", UNSET)
        calling_hours: CallingHoursDto | Unset
        if isinstance(_calling_hours,  Unset):
            calling_hours = UNSET
        else:
            calling_hours = CallingHoursDto.from_dict(_calling_hours)




        _completed_at = d.pop("completedAt", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at,  Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)




        failure_reason = d.pop("failureReason", UNSET)

        pause_detail = d.pop("pauseDetail", UNSET)

        _pause_reason = d.pop("pauseReason", UNSET)
        pause_reason: PauseReasonDto | Unset
        if isinstance(_pause_reason,  Unset):
            pause_reason = UNSET
        else:
            pause_reason = PauseReasonDto(_pause_reason)




        _redial = d.pop("redial", UNSET)
        redial: RedialDto | Unset
        if isinstance(_redial,  Unset):
            redial = UNSET
        else:
            redial = RedialDto.from_dict(_redial)




        _safety_brake = d.pop("safetyBrake", UNSET)
        safety_brake: SafetyBrakeDto | Unset
        if isinstance(_safety_brake,  Unset):
            safety_brake = UNSET
        else:
            safety_brake = SafetyBrakeDto.from_dict(_safety_brake)




        _start_at = d.pop("startAt", UNSET)
        start_at: datetime.datetime | Unset
        if isinstance(_start_at,  Unset):
            start_at = UNSET
        else:
            start_at = datetime.datetime.fromisoformat(_start_at)




        _started_at = d.pop("startedAt", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at,  Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)




        campaign_detail_dto = cls(
            assistant_id=assistant_id,
            cap=cap,
            counters=counters,
            created_at=created_at,
            id=id,
            line_quiet_gating=line_quiet_gating,
            metrics=metrics,
            mode=mode,
            name=name,
            owner_id=owner_id,
            phone_number_id=phone_number_id,
            settings=settings,
            status=status,
            timeline=timeline,
            updated_at=updated_at,
            assistant_name=assistant_name,
            budget_usd=budget_usd,
            calling_hours=calling_hours,
            completed_at=completed_at,
            failure_reason=failure_reason,
            pause_detail=pause_detail,
            pause_reason=pause_reason,
            redial=redial,
            safety_brake=safety_brake,
            start_at=start_at,
            started_at=started_at,
        )


        campaign_detail_dto.additional_properties = d
        return campaign_detail_dto

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
