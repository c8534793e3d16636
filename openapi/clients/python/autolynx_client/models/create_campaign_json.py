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

if TYPE_CHECKING:
  from ..models.contacts_input_type_0_item import ContactsInputType0Item





T = TypeVar("T", bound="CreateCampaignJson")



@_attrs_define
class CreateCampaignJson:
    """ `POST /api/campaigns` as JSON: the form's fields, with the contacts in the body.

        Example:
            {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'budgetUsd': 250.0, 'callingDays': 'mon-fri',
                'callingHours': '09:00-18:00', 'cap': 5, 'contacts': [{'business_name': 'Lopez Bakery', 'name': 'Ada Lopez',
                'phone': '+1 415 234 5678'}, {'business_name': 'Okafor Plumbing', 'name': 'Sam Okafor', 'phone': '(212)
                234-0199'}], 'maxAttempts': 3, 'name': 'Spring renewals', 'redialDelaySeconds': 3600, 'redialOn': 'no-
                answer,busy', 'safetyBrakeFailureShare': 0.5, 'safetyBrakeFailuresInARow': 5, 'safetyBrakeWindow': 20,
                'timezone': 'America/Los_Angeles'}

        Attributes:
            assistant_id (UUID): An active assistant from the directory (404 when there is none with this id or it was
                deleted).
            contacts (list[ContactsInputType0Item] | str): Contacts given in a JSON body.
            name (str): 1–200 characters, not blank.
            budget_usd (float | Unset): Spend limit in US dollars: the campaign pauses itself (`budget-reached`) before its
                spend can pass it. Default: `campaigns.budget_usd` (0: none).
            calling_days (str | Unset): Weekdays of the window: `"all"`, `"mon-fri"`, `"mon,wed,fri"`.
            calling_hours (str | Unset): Daily calling window in each contact's local time, `"HH:MM-HH:MM"`, or `"any"`.
            cap (int | Unset): Most calls live at once (1–50). Default: `campaigns.default_cap`.
            line_quiet_gating (bool | Unset): Also wait until the phone line has no live calls before dialing.
            max_attempts (int | Unset): Attempts per contact, the first included (1–10).
            mode (CampaignModeDto | Unset):
            phone_number_id (str | Unset): Vapi phone number to dial from. Default: `vapi.phone_number_id`.
            redial_delay_seconds (int | Unset): Seconds between an unanswered attempt and the next.
            redial_on (str | Unset): Outcomes that lead to a redial, comma-separated (`no-answer`, `busy`, `voicemail`,
                `retryable-error`). Default (also when it names none): `campaigns.redial_on`.
            safety_brake_failure_share (float | Unset): Safety brake: the share of failed calls in the window that pauses
                the campaign (above
                0, up to 1).
            safety_brake_failures_in_a_row (int | Unset): Safety brake: failed calls in a row that pause the campaign (0:
                that rule off).
            safety_brake_window (int | Unset): Safety brake: finished calls the failure share is measured over (0: that rule
                off).
            start_at (datetime.datetime | Unset): Scheduled start: once started, the campaign waits (QUEUED) and places its
                first call at
                this moment. In the future, within a year. Default: none (at once).
            timezone (str | Unset): IANA time zone of contacts without their own.
     """

    assistant_id: UUID
    contacts: list[ContactsInputType0Item] | str
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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.contacts_input_type_0_item import ContactsInputType0Item # noqa: PLC0415
        assistant_id = str(self.assistant_id)

        contacts: list[dict[str, Any]] | str
        if isinstance(self.contacts, list):
            contacts = []
            for componentsschemas_contacts_input_type_0_item_data in self.contacts:
                componentsschemas_contacts_input_type_0_item = componentsschemas_contacts_input_type_0_item_data.to_dict()
                contacts.append(componentsschemas_contacts_input_type_0_item)


        else:
            contacts = self.contacts

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
        field_dict.update(self.additional_properties)
        field_dict.update({
            "assistantId": assistant_id,
            "contacts": contacts,
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



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contacts_input_type_0_item import ContactsInputType0Item # noqa: PLC0415
        d = dict(src_dict)
        assistant_id = UUID(d.pop("assistantId"))




        def _parse_contacts(data: object) -> list[ContactsInputType0Item] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_contacts_input_type_0 = []
                _componentsschemas_contacts_input_type_0 = data
                for componentsschemas_contacts_input_type_0_item_data in (_componentsschemas_contacts_input_type_0):
                    componentsschemas_contacts_input_type_0_item = ContactsInputType0Item.from_dict(componentsschemas_contacts_input_type_0_item_data)



                    componentsschemas_contacts_input_type_0.append(componentsschemas_contacts_input_type_0_item)

                return componentsschemas_contacts_input_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ContactsInputType0Item] | str, data)

        contacts = _parse_contacts(d.pop("contacts"))


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

        create_campaign_json = cls(
            assistant_id=assistant_id,
            contacts=contacts,
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


        create_campaign_json.additional_properties = d
        return create_campaign_json

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
