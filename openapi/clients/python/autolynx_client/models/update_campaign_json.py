from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_mode_dto import CampaignModeDto
from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="UpdateCampaignJson")



@_attrs_define
class UpdateCampaignJson:
    """ What to change in a CREATED or PAUSED campaign; absent fields stay as they are. Changes
    apply when the campaign (re)starts.

        Example:
            {'budgetUsd': 400.0, 'callingHours': '10:00-17:00', 'cap': 3}

        Attributes:
            assistant_id (UUID | Unset): An active assistant from the directory.
            budget_usd (float | Unset): Spend limit in US dollars (raise it to resume a campaign paused by `budget-
                reached`).
            calling_days (str | Unset): Weekdays of the window: `"all"`, `"mon-fri"`, `"mon,wed,fri"`.
            calling_hours (str | Unset): Daily calling window in each contact's local time, `"HH:MM-HH:MM"`, or `"any"`.
            cap (int | Unset): Most calls live at once (1–50).
            line_quiet_gating (bool | Unset): Also wait until the phone line has no live calls before dialing.
            max_attempts (int | Unset): Attempts per contact, the first included (1–10).
            mode (CampaignModeDto | Unset):
            name (str | Unset): 1–200 characters, not blank.
            redial_delay_seconds (int | Unset): Seconds between an unanswered attempt and the next.
            redial_on (str | Unset): Outcomes that lead to a redial, comma-separated (`no-answer`, `busy`, `voicemail`,
                `retryable-error`).
            safety_brake_failure_share (float | Unset): Safety brake: the share of failed calls in the window that pauses
                the campaign (above
                0, up to 1).
            safety_brake_failures_in_a_row (int | Unset): Safety brake: failed calls in a row that pause the campaign (0:
                that rule off).
            safety_brake_window (int | Unset): Safety brake: finished calls the failure share is measured over (0: that rule
                off).
            start_at (datetime.datetime | None | Unset): Scheduled start (UTC, within a year); `null` removes it, so the
                campaign starts at once
                when it is started or resumed.
            timezone (str | Unset): IANA time zone of contacts without their own.
     """

    assistant_id: UUID | Unset = UNSET
    budget_usd: float | Unset = UNSET
    calling_days: str | Unset = UNSET
    calling_hours: str | Unset = UNSET
    cap: int | Unset = UNSET
    line_quiet_gating: bool | Unset = UNSET
    max_attempts: int | Unset = UNSET
    mode: CampaignModeDto | Unset = UNSET
    name: str | Unset = UNSET
    redial_delay_seconds: int | Unset = UNSET
    redial_on: str | Unset = UNSET
    safety_brake_failure_share: float | Unset = UNSET
    safety_brake_failures_in_a_row: int | Unset = UNSET
    safety_brake_window: int | Unset = UNSET
    start_at: datetime.datetime | None | Unset = UNSET
    timezone: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        assistant_id: str | Unset = UNSET
        if not isinstance(self.assistant_id, Unset):
            assistant_id = str(self.assistant_id)

        budget_usd = self.budget_usd

        calling_days = self.calling_days

        calling_hours = self.calling_hours

        cap = self.cap

        line_quiet_gating = self.line_quiet_gating

        max_attempts = self.max_attempts

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value


        name = self.name

        redial_delay_seconds = self.redial_delay_seconds

        redial_on = self.redial_on

        safety_brake_failure_share = self.safety_brake_failure_share

        safety_brake_failures_in_a_row = self.safety_brake_failures_in_a_row

        safety_brake_window = self.safety_brake_window

        start_at: None | str | Unset
        if isinstance(self.start_at, Unset):
            start_at = UNSET
        elif isinstance(self.start_at, datetime.datetime):
            start_at = self.start_at.isoformat()
        else:
            start_at = self.start_at

        timezone = self.timezone


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if assistant_id is not UNSET:
            field_dict["assistantId"] = assistant_id
        if budget_usd is not UNSET:
            field_dict["budgetUsd"] = budget_usd
        if calling_days is not UNSET:
            field_dict["callingDays"] = calling_days
        if calling_hours is not UNSET:
            field_dict["callingHours"] = calling_hours
        if cap is not UNSET:
            field_dict["cap"] = cap
        if line_quiet_gating is not UNSET:
            field_dict["lineQuietGating"] = line_quiet_gating
        if max_attempts is not UNSET:
            field_dict["maxAttempts"] = max_attempts
        if mode is not UNSET:
            field_dict["mode"] = mode
        if name is not UNSET:
            field_dict["name"] = name
        if redial_delay_seconds is not UNSET:
            field_dict["redialDelaySeconds"] = redial_delay_seconds
        if redial_on is not UNSET:
            field_dict["redialOn"] = redial_on
        if safety_brake_failure_share is not UNSET:
            field_dict["safetyBrakeFailureShare"] = safety_brake_failure_share
        if safety_brake_failures_in_a_row is not UNSET:
            field_dict["safetyBrakeFailuresInARow"] = safety_brake_failures_in_a_row
        if safety_brake_window is not UNSET:
            field_dict["safetyBrakeWindow"] = safety_brake_window
        if start_at is not UNSET:
            field_dict["startAt"] = start_at
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _assistant_id = d.pop("assistantId", UNSET)
        assistant_id: UUID | Unset
        if isinstance(_assistant_id,  Unset):
            assistant_id = UNSET
        else:
            assistant_id = UUID(_assistant_id)




        budget_usd = d.pop("budgetUsd", UNSET)

        calling_days = d.pop("callingDays", UNSET)

        calling_hours = d.pop("callingHours", UNSET)

        cap = d.pop("cap", UNSET)

        line_quiet_gating = d.pop("lineQuietGating", UNSET)

        max_attempts = d.pop("maxAttempts", UNSET)

        _mode = d.pop("mode", UNSET)
        mode: CampaignModeDto | Unset
        if isinstance(_mode,  Unset):
            mode = UNSET
        else:
            mode = CampaignModeDto(_mode)




        name = d.pop("name", UNSET)

        redial_delay_seconds = d.pop("redialDelaySeconds", UNSET)

        redial_on = d.pop("redialOn", UNSET)

        safety_brake_failure_share = d.pop("safetyBrakeFailureShare", UNSET)

        safety_brake_failures_in_a_row = d.pop("safetyBrakeFailuresInARow", UNSET)

        safety_brake_window = d.pop("safetyBrakeWindow", UNSET)

        def _parse_start_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_at_type_0 = datetime.datetime.fromisoformat(data)



                return start_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        start_at = _parse_start_at(d.pop("startAt", UNSET))


        timezone = d.pop("timezone", UNSET)

        update_campaign_json = cls(
            assistant_id=assistant_id,
            budget_usd=budget_usd,
            calling_days=calling_days,
            calling_hours=calling_hours,
            cap=cap,
            line_quiet_gating=line_quiet_gating,
            max_attempts=max_attempts,
            mode=mode,
            name=name,
            redial_delay_seconds=redial_delay_seconds,
            redial_on=redial_on,
            safety_brake_failure_share=safety_brake_failure_share,
            safety_brake_failures_in_a_row=safety_brake_failures_in_a_row,
            safety_brake_window=safety_brake_window,
            start_at=start_at,
            timezone=timezone,
        )


        update_campaign_json.additional_properties = d
        return update_campaign_json

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
