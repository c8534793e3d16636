from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.campaign_dto import CampaignDto
  from ..models.import_report_dto import ImportReportDto





T = TypeVar("T", bound="CreatedCampaignDto")



@_attrs_define
class CreatedCampaignDto:
    """ 
        Example:
            {'campaign': {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'assistantName': 'Renewal reminder',
                'budgetUsd': 250.0, 'callingHours': {'days': ['mon', 'tue', 'wed', 'thu', 'fri'], 'timezone':
                'America/Los_Angeles', 'window': '09:00-18:00'}, 'cap': 5, 'counters': {'active': 5, 'completed': 127,
                'notAttempted': 0, 'pending': 118, 'successful': 41, 'totalContacts': 250, 'totalCost': 31.85}, 'createdAt':
                '2026-12-01T15:04:05.000Z', 'id': '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'lineQuietGating': False, 'mode':
                'continuous', 'name': 'Spring renewals', 'ownerId': '01938a10-2b4c-7d5e-8f60-718293a4b5c6', 'phoneNumberId':
                'ph_7c1d2e3f', 'redial': {'delaySeconds': 3600, 'maxAttempts': 3, 'on': ['no-answer', 'busy']}, 'safetyBrake':
                {'failureShare': 0.5, 'failuresInARow': 5, 'window': 20}, 'startedAt': '2026-12-01T15:10:00.000Z', 'status':
                'RUNNING', 'updatedAt': '2026-12-01T15:42:17.315Z'}, 'campaignId': '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f',
                'importReport': {'accepted': 250, 'skipped': [{'data': {'name': 'Bo', 'phone': '555'}, 'detail': 'not a valid
                number in US', 'reason': 'invalid-phone', 'row': 17}], 'totalRows': 252}}

        Attributes:
            campaign (CampaignDto):  Example: {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'assistantName':
                'Renewal reminder', 'budgetUsd': 250.0, 'callingHours': {'days': ['mon', 'tue', 'wed', 'thu', 'fri'],
                'timezone': 'America/Los_Angeles', 'window': '09:00-18:00'}, 'cap': 5, 'counters': {'active': 5, 'completed':
                127, 'notAttempted': 0, 'pending': 118, 'successful': 41, 'totalContacts': 250, 'totalCost': 31.85},
                'createdAt': '2026-12-01T15:04:05.000Z', 'id': '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'lineQuietGating': False,
                'mode': 'continuous', 'name': 'Spring renewals', 'ownerId': '01938a10-2b4c-7d5e-8f60-718293a4b5c6',
                'phoneNumberId': 'ph_7c1d2e3f', 'redial': {'delaySeconds': 3600, 'maxAttempts': 3, 'on': ['no-answer', 'busy']},
                'safetyBrake': {'failureShare': 0.5, 'failuresInARow': 5, 'window': 20}, 'startedAt':
                '2026-12-01T15:10:00.000Z', 'status': 'RUNNING', 'updatedAt': '2026-12-01T15:42:17.315Z'}.
            campaign_id (UUID):
            import_report (ImportReportDto):  Example: {'accepted': 2, 'skipped': [{'data': {'business_name': 'Nowhere Ltd',
                'name': 'Nobody', 'phone': '12345'}, 'detail': 'not a phone number (not a number)', 'reason': 'invalid-phone',
                'row': 3}], 'totalRows': 3}.
     """

    campaign: CampaignDto
    campaign_id: UUID
    import_report: ImportReportDto
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.campaign_dto import CampaignDto # noqa: PLC0415
        from ..models.import_report_dto import ImportReportDto # noqa: PLC0415
        campaign = self.campaign.to_dict()

        campaign_id = str(self.campaign_id)

        import_report = self.import_report.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "campaign": campaign,
            "campaignId": campaign_id,
            "importReport": import_report,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.campaign_dto import CampaignDto # noqa: PLC0415
        from ..models.import_report_dto import ImportReportDto # noqa: PLC0415
        d = dict(src_dict)
        campaign = CampaignDto.from_dict(d.pop("campaign"))




        campaign_id = UUID(d.pop("campaignId"))




        import_report = ImportReportDto.from_dict(d.pop("importReport"))




        created_campaign_dto = cls(
            campaign=campaign,
            campaign_id=campaign_id,
            import_report=import_report,
        )


        created_campaign_dto.additional_properties = d
        return created_campaign_dto

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
