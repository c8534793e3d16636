from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.campaign_mode_dto import CampaignModeDto
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="CreateCampaignFilesBody")



@_attrs_define
class CreateCampaignFilesBody:
    """ 
        Attributes:
            assistant_id (UUID): An active assistant from the directory (404 when there is none with this id or it was
                deleted).
            contacts_csv (File): The contacts: a CSV with `name`, `business_name` and `phone` columns (any case and
                spacing); every other column becomes a variable passed to the assistant.
            name (str): 1–200 characters, not blank.
            budget_usd (float | Unset): Spend limit in US dollars: the campaign pauses itself (`budget-reached`) before its
                spend can pass it. Default: `campaigns.budget_usd` (0: none).
            calling_days (str | Unset): Weekdays of the window: `"all"`, `"mon-fri"`, `"mon,wed,fri"`. Default:
                `campaigns.calling_days`.
            calling_hours (str | Unset): Daily calling window in each contact's local time, `"HH:MM-HH:MM"` (an end before
                the
                start runs overnight), or `"any"`. Default: `campaigns.calling_hours`.
            cap (int | Unset): Most calls live at once (1–50). Default: `campaigns.default_cap`.
            line_quiet_gating (bool | Unset): Also wait until the phone line has no live calls before dialing.
            max_attempts (int | Unset): Attempts per contact, the first included (1–10; 1 = never redial). Default:
                `campaigns.max_attempts`.
            mode (CampaignModeDto | Unset):
            phone_number_id (str | Unset): Vapi phone number to dial from. Default: `vapi.phone_number_id`.
            redial_delay_seconds (int | Unset): Seconds between an unanswered attempt and the next. Default:
                `campaigns.redial_delay_secs`.
            redial_on (str | Unset): Outcomes that lead to a redial, comma-separated: `no-answer`, `busy`, `voicemail`,
                `retryable-error`. Default (also when it names none): `campaigns.redial_on`. The
                pattern: outcomes separated by commas, white space (as Rust's `trim` counts it) around
                each, empty items ignored.
            safety_brake_failure_share (float | Unset): Safety brake: the share of failed calls in the window that pauses
                the campaign (above
                0, up to 1). Default: `campaigns.safety_brake_failure_share`.
            safety_brake_failures_in_a_row (int | Unset): Safety brake: failed calls in a row that pause the campaign (0:
                that rule off).
                Default: `campaigns.safety_brake_failures_in_a_row`.
            safety_brake_window (int | Unset): Safety brake: finished calls the failure share is measured over (0: that rule
                off).
                Default: `campaigns.safety_brake_window`.
            start_at (datetime.datetime | Unset): Scheduled start (RFC 3339): once started, the campaign waits (QUEUED) and
                places its
                first call at this moment. In the future, within a year. Default: none (at once).
            timezone (str | Unset): IANA time zone of contacts whose row has no `timezone` cell. Default:
                `campaigns.timezone`.
     """

    assistant_id: UUID
    contacts_csv: File
    name: str
    budget_usd: float | Unset = UNSET
    calling_days: str | Unset = UNSET
    calling_hours: str | Unset = UNSET
    cap: int | Unset = UNSET
    line_quiet_gating: bool | Unset = UNSET
    max_attempts: int | Unset = UNSET
    mode: CampaignModeDto | Unset = UNSET
    phone_number_id: str | Unset = UNSET
    redial_delay_seconds: int | Unset = UNSET
    redial_on: str | Unset = UNSET
    safety_brake_failure_share: float | Unset = UNSET
    safety_brake_failures_in_a_row: int | Unset = UNSET
    safety_brake_window: int | Unset = UNSET
    start_at: datetime.datetime | Unset = UNSET
    timezone: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        assistant_id = str(self.assistant_id)

        contacts_csv = self.contacts_csv.to_tuple()


        name = self.name

        budget_usd = self.budget_usd

        calling_days = self.calling_days

        calling_hours = self.calling_hours

        cap = self.cap

        line_quiet_gating = self.line_quiet_gating

        max_attempts = self.max_attempts

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value


        phone_number_id = self.phone_number_id

        redial_delay_seconds = self.redial_delay_seconds

        redial_on = self.redial_on

        safety_brake_failure_share = self.safety_brake_failure_share

        safety_brake_failures_in_a_row = self.safety_brake_failures_in_a_row

        safety_brake_window = self.safety_brake_window

        start_at: str | Unset = UNSET
        if not isinstance(self.start_at, Unset):
            start_at = self.start_at.isoformat()

        timezone = self.timezone


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "assistantId": assistant_id,
            "contactsCsv": contacts_csv,
            "name": name,
        })
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
        if phone_number_id is not UNSET:
            field_dict["phoneNumberId"] = phone_number_id
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


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("assistantId", (None, str(self.assistant_id), "text/plain")))



        files.append(("contactsCsv", self.contacts_csv.to_tuple()))



        files.append(("name", (None, str(self.name).encode(), "text/plain")))



        if not isinstance(self.budget_usd, Unset):
            files.append(("budgetUsd", (None, str(self.budget_usd).encode(), "text/plain")))



        if not isinstance(self.calling_days, Unset):
            files.append(("callingDays", (None, str(self.calling_days).encode(), "text/plain")))



        if not isinstance(self.calling_hours, Unset):
            files.append(("callingHours", (None, str(self.calling_hours).encode(), "text/plain")))



        if not isinstance(self.cap, Unset):
            files.append(("cap", (None, str(self.cap).encode(), "text/plain")))



        if not isinstance(self.line_quiet_gating, Unset):
            files.append(("lineQuietGating", (None, str(self.line_quiet_gating).encode(), "text/plain")))



        if not isinstance(self.max_attempts, Unset):
            files.append(("maxAttempts", (None, str(self.max_attempts).encode(), "text/plain")))



        if not isinstance(self.mode, Unset):
            files.append(("mode",  (None, str(self.mode.value).encode(), "text/plain")))



        if not isinstance(self.phone_number_id, Unset):
            files.append(("phoneNumberId", (None, str(self.phone_number_id).encode(), "text/plain")))



        if not isinstance(self.redial_delay_seconds, Unset):
            files.append(("redialDelaySeconds", (None, str(self.redial_delay_seconds).encode(), "text/plain")))



        if not isinstance(self.redial_on, Unset):
            files.append(("redialOn", (None, str(self.redial_on).encode(), "text/plain")))



        if not isinstance(self.safety_brake_failure_share, Unset):
            files.append(("safetyBrakeFailureShare", (None, str(self.safety_brake_failure_share).encode(), "text/plain")))



        if not isinstance(self.safety_brake_failures_in_a_row, Unset):
            files.append(("safetyBrakeFailuresInARow", (None, str(self.safety_brake_failures_in_a_row).encode(), "text/plain")))



        if not isinstance(self.safety_brake_window, Unset):
            files.append(("safetyBrakeWindow", (None, str(self.safety_brake_window).encode(), "text/plain")))



        if not isinstance(self.start_at, Unset):
            files.append(("startAt", (None, self.start_at.isoformat().encode(), "text/plain")))



        if not isinstance(self.timezone, Unset):
            files.append(("timezone", (None, str(self.timezone).encode(), "text/plain")))





        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assistant_id = UUID(d.pop("assistantId"))




        contacts_csv = File(
             payload = BytesIO(d.pop("contactsCsv"))
        )




        name = d.pop("name")

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




        phone_number_id = d.pop("phoneNumberId", UNSET)

        redial_delay_seconds = d.pop("redialDelaySeconds", UNSET)

        redial_on = d.pop("redialOn", UNSET)

        safety_brake_failure_share = d.pop("safetyBrakeFailureShare", UNSET)

        safety_brake_failures_in_a_row = d.pop("safetyBrakeFailuresInARow", UNSET)

        safety_brake_window = d.pop("safetyBrakeWindow", UNSET)

        _start_at = d.pop("startAt", UNSET)
        start_at: datetime.datetime | Unset
        if isinstance(_start_at,  Unset):
            start_at = UNSET
        else:
            start_at = datetime.datetime.fromisoformat(_start_at)




        timezone = d.pop("timezone", UNSET)

        create_campaign_files_body = cls(
            assistant_id=assistant_id,
            contacts_csv=contacts_csv,
            name=name,
            budget_usd=budget_usd,
            calling_days=calling_days,
            calling_hours=calling_hours,
            cap=cap,
            line_quiet_gating=line_quiet_gating,
            max_attempts=max_attempts,
            mode=mode,
            phone_number_id=phone_number_id,
            redial_delay_seconds=redial_delay_seconds,
            redial_on=redial_on,
            safety_brake_failure_share=safety_brake_failure_share,
            safety_brake_failures_in_a_row=safety_brake_failures_in_a_row,
            safety_brake_window=safety_brake_window,
            start_at=start_at,
            timezone=timezone,
        )

        return create_campaign_files_body

