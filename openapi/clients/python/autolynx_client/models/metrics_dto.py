from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.metrics_dto_calls_by_status import MetricsDtoCallsByStatus
  from ..models.metrics_dto_contacts_by_status import MetricsDtoContactsByStatus





T = TypeVar("T", bound="MetricsDto")



@_attrs_define
class MetricsDto:
    """ 
        Attributes:
            calls_by_status (MetricsDtoCallsByStatus):
            contacts_by_status (MetricsDtoContactsByStatus):
            success_rate (float): Successful calls over calls with a final outcome (0–1).
            total_cost (float):
            average_cost (float | Unset):
            average_duration_seconds (float | Unset):
     """

    calls_by_status: MetricsDtoCallsByStatus
    contacts_by_status: MetricsDtoContactsByStatus
    success_rate: float
    total_cost: float
    average_cost: float | Unset = UNSET
    average_duration_seconds: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.metrics_dto_calls_by_status import MetricsDtoCallsByStatus # noqa: PLC0415
        from ..models.metrics_dto_contacts_by_status import MetricsDtoContactsByStatus # noqa: PLC0415
        calls_by_status = self.calls_by_status.to_dict()

        contacts_by_status = self.contacts_by_status.to_dict()

        success_rate = self.success_rate

        total_cost = self.total_cost

        average_cost = self.average_cost

        average_duration_seconds = self.average_duration_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "callsByStatus": calls_by_status,
            "contactsByStatus": contacts_by_status,
            "successRate": success_rate,
            "totalCost": total_cost,
        })
        if average_cost is not UNSET:
            field_dict["averageCost"] = average_cost
        if average_duration_seconds is not UNSET:
            field_dict["averageDurationSeconds"] = average_duration_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metrics_dto_calls_by_status import MetricsDtoCallsByStatus # noqa: PLC0415
        from ..models.metrics_dto_contacts_by_status import MetricsDtoContactsByStatus # noqa: PLC0415
        d = dict(src_dict)
        calls_by_status = MetricsDtoCallsByStatus.from_dict(d.pop("callsByStatus"))




        contacts_by_status = MetricsDtoContactsByStatus.from_dict(d.pop("contactsByStatus"))




        success_rate = d.pop("successRate")

        total_cost = d.pop("totalCost")

        average_cost = d.pop("averageCost", UNSET)

        average_duration_seconds = d.pop("averageDurationSeconds", UNSET)

        metrics_dto = cls(
            calls_by_status=calls_by_status,
            contacts_by_status=contacts_by_status,
            success_rate=success_rate,
            total_cost=total_cost,
            average_cost=average_cost,
            average_duration_seconds=average_duration_seconds,
        )


        metrics_dto.additional_properties = d
        return metrics_dto

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
