from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.check_status import CheckStatus
from typing import cast

if TYPE_CHECKING:
  from ..models.checks import Checks





T = TypeVar("T", bound="HealthReport")



@_attrs_define
class HealthReport:
    """ 
        Example:
            {'checks': {'database': {'latencyMs': 1.2, 'status': 'healthy'}, 'provider': {'cached': True, 'latencyMs': 84.0,
                'status': 'healthy'}, 'runtime': {'latencyMs': 0.3, 'status': 'healthy', 'supervisors': 4}}, 'status':
                'healthy', 'uptimeSeconds': 86400, 'version': '0.1.0', 'warnings': []}

        Attributes:
            checks (Checks):
            status (CheckStatus):
            uptime_seconds (int):
            version (str):
            warnings (list[str]): What needs an operator's attention without making the service unhealthy (a
                do-not-call list imported more than 31 days ago); empty when nothing does.
     """

    checks: Checks
    status: CheckStatus
    uptime_seconds: int
    version: str
    warnings: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.checks import Checks # noqa: PLC0415
        checks = self.checks.to_dict()

        status = self.status.value

        uptime_seconds = self.uptime_seconds

        version = self.version

        warnings = self.warnings




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "checks": checks,
            "status": status,
            "uptimeSeconds": uptime_seconds,
            "version": version,
            "warnings": warnings,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checks import Checks # noqa: PLC0415
        d = dict(src_dict)
        checks = Checks.from_dict(d.pop("checks"))




        status = CheckStatus(d.pop("status"))




        uptime_seconds = d.pop("uptimeSeconds")

        version = d.pop("version")

        warnings = cast(list[str], d.pop("warnings"))


        health_report = cls(
            checks=checks,
            status=status,
            uptime_seconds=uptime_seconds,
            version=version,
            warnings=warnings,
        )


        health_report.additional_properties = d
        return health_report

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
