from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.tick_campaign import TickCampaign
  from ..models.tick_processed import TickProcessed





T = TypeVar("T", bound="TickReport")



@_attrs_define
class TickReport:
    """ 
        Example:
            {'details': [{'adopted': False, 'callsActive': 5, 'callsQueued': 118, 'campaignId':
                '01938f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f', 'reconciled': 0, 'status': 'RUNNING', 'unknownDials': 0}], 'processed':
                {'callsActive': 5, 'callsLaunched': 0, 'callsQueued': 118, 'campaigns': 1}}

        Attributes:
            details (list[TickCampaign]):
            processed (TickProcessed):
     """

    details: list[TickCampaign]
    processed: TickProcessed
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tick_campaign import TickCampaign # noqa: PLC0415
        from ..models.tick_processed import TickProcessed # noqa: PLC0415
        details = []
        for details_item_data in self.details:
            details_item = details_item_data.to_dict()
            details.append(details_item)



        processed = self.processed.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "details": details,
            "processed": processed,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tick_campaign import TickCampaign # noqa: PLC0415
        from ..models.tick_processed import TickProcessed # noqa: PLC0415
        d = dict(src_dict)
        details = []
        _details = d.pop("details")
        for details_item_data in (_details):
            details_item = TickCampaign.from_dict(details_item_data)



            details.append(details_item)


        processed = TickProcessed.from_dict(d.pop("processed"))




        tick_report = cls(
            details=details,
            processed=processed,
        )


        tick_report.additional_properties = d
        return tick_report

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
