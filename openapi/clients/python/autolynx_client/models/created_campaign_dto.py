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
        Attributes:
            campaign (CampaignDto):
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
