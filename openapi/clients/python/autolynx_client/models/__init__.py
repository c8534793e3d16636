""" Contains all the data models used in inputs/outputs """

from .add_number_request import AddNumberRequest
from .assistant_dto import AssistantDto
from .assistant_list_dto import AssistantListDto
from .audit_entry_dto import AuditEntryDto
from .audit_list_dto import AuditListDto
from .call_event import CallEvent
from .call_status_dto import CallStatusDto
from .calling_hours_dto import CallingHoursDto
from .campaign_detail_dto import CampaignDetailDto
from .campaign_dto import CampaignDto
from .campaign_event import CampaignEvent
from .campaign_list_dto import CampaignListDto
from .campaign_mode_dto import CampaignModeDto
from .campaign_status_dto import CampaignStatusDto
from .campaign_status_reply import CampaignStatusReply
from .check import Check
from .check_status import CheckStatus
from .checks import Checks
from .clone_template_request import CloneTemplateRequest
from .contact_dto import ContactDto
from .contact_dto_variables import ContactDtoVariables
from .contact_list_dto import ContactListDto
from .contact_list_dto_summary import ContactListDtoSummary
from .contact_status_dto import ContactStatusDto
from .contacts_input_type_0_item import ContactsInputType0Item
from .counters_dto import CountersDto
from .counters_event import CountersEvent
from .create_assistant_request import CreateAssistantRequest
from .create_assistant_request_model import CreateAssistantRequestModel
from .create_assistant_request_options import CreateAssistantRequestOptions
from .create_assistant_request_voice import CreateAssistantRequestVoice
from .create_campaign_files_body import CreateCampaignFilesBody
from .create_campaign_json import CreateCampaignJson
from .create_token_request import CreateTokenRequest
from .create_user_request import CreateUserRequest
from .created_campaign_dto import CreatedCampaignDto
from .created_token_dto import CreatedTokenDto
from .end_event import EndEvent
from .erasure_report import ErasureReport
from .error_body import ErrorBody
from .error_envelope import ErrorEnvelope
from .health_report import HealthReport
from .import_assistant_request import ImportAssistantRequest
from .import_numbers_report import ImportNumbersReport
from .import_report_dto import ImportReportDto
from .import_suppressed_body import ImportSuppressedBody
from .invalid_number_dto import InvalidNumberDto
from .latest_call_dto import LatestCallDto
from .line_status import LineStatus
from .live_event_call_event import LiveEventCallEvent
from .live_event_call_event_type import LiveEventCallEventType
from .live_event_campaign_event import LiveEventCampaignEvent
from .live_event_campaign_event_type import LiveEventCampaignEventType
from .live_event_counters_event import LiveEventCountersEvent
from .live_event_counters_event_type import LiveEventCountersEventType
from .live_event_end_event import LiveEventEndEvent
from .live_event_end_event_type import LiveEventEndEventType
from .live_event_snapshot_event import LiveEventSnapshotEvent
from .live_event_snapshot_event_type import LiveEventSnapshotEventType
from .login_link_dto import LoginLinkDto
from .me_dto import MeDto
from .metrics_dto import MetricsDto
from .metrics_dto_calls_by_status import MetricsDtoCallsByStatus
from .metrics_dto_contacts_by_status import MetricsDtoContactsByStatus
from .outcome_dto import OutcomeDto
from .pagination_dto import PaginationDto
from .pause_reason_dto import PauseReasonDto
from .phone_line_health import PhoneLineHealth
from .redial_dto import RedialDto
from .role_dto import RoleDto
from .safety_brake_dto import SafetyBrakeDto
from .skipped_row_dto import SkippedRowDto
from .skipped_row_dto_data import SkippedRowDtoData
from .snapshot_event import SnapshotEvent
from .snapshot_event_calls_by_status import SnapshotEventCallsByStatus
from .source_dto import SourceDto
from .stop_mode_dto import StopModeDto
from .stop_request import StopRequest
from .stream_campaign_events_response_200 import StreamCampaignEventsResponse200
from .stream_campaign_events_response_200_event import StreamCampaignEventsResponse200Event
from .stream_events_response_200 import StreamEventsResponse200
from .stream_events_response_200_event import StreamEventsResponse200Event
from .suppressed_number_dto import SuppressedNumberDto
from .suppression_list_dto import SuppressionListDto
from .suppression_source_dto import SuppressionSourceDto
from .template_dto import TemplateDto
from .tick_campaign import TickCampaign
from .tick_processed import TickProcessed
from .tick_report import TickReport
from .timeline_dto import TimelineDto
from .token_dto import TokenDto
from .update_assistant_request import UpdateAssistantRequest
from .update_assistant_request_model import UpdateAssistantRequestModel
from .update_assistant_request_options import UpdateAssistantRequestOptions
from .update_assistant_request_voice import UpdateAssistantRequestVoice
from .update_campaign_json import UpdateCampaignJson
from .update_user_request import UpdateUserRequest
from .user_dto import UserDto

__all__ = (
    "AddNumberRequest",
    "AssistantDto",
    "AssistantListDto",
    "AuditEntryDto",
    "AuditListDto",
    "CallEvent",
    "CallingHoursDto",
    "CallStatusDto",
    "CampaignDetailDto",
    "CampaignDto",
    "CampaignEvent",
    "CampaignListDto",
    "CampaignModeDto",
    "CampaignStatusDto",
    "CampaignStatusReply",
    "Check",
    "Checks",
    "CheckStatus",
    "CloneTemplateRequest",
    "ContactDto",
    "ContactDtoVariables",
    "ContactListDto",
    "ContactListDtoSummary",
    "ContactsInputType0Item",
    "ContactStatusDto",
    "CountersDto",
    "CountersEvent",
    "CreateAssistantRequest",
    "CreateAssistantRequestModel",
    "CreateAssistantRequestOptions",
    "CreateAssistantRequestVoice",
    "CreateCampaignFilesBody",
    "CreateCampaignJson",
    "CreatedCampaignDto",
    "CreatedTokenDto",
    "CreateTokenRequest",
    "CreateUserRequest",
    "EndEvent",
    "ErasureReport",
    "ErrorBody",
    "ErrorEnvelope",
    "HealthReport",
    "ImportAssistantRequest",
    "ImportNumbersReport",
    "ImportReportDto",
    "ImportSuppressedBody",
    "InvalidNumberDto",
    "LatestCallDto",
    "LineStatus",
    "LiveEventCallEvent",
    "LiveEventCallEventType",
    "LiveEventCampaignEvent",
    "LiveEventCampaignEventType",
    "LiveEventCountersEvent",
    "LiveEventCountersEventType",
    "LiveEventEndEvent",
    "LiveEventEndEventType",
    "LiveEventSnapshotEvent",
    "LiveEventSnapshotEventType",
    "LoginLinkDto",
    "MeDto",
    "MetricsDto",
    "MetricsDtoCallsByStatus",
    "MetricsDtoContactsByStatus",
    "OutcomeDto",
    "PaginationDto",
    "PauseReasonDto",
    "PhoneLineHealth",
    "RedialDto",
    "RoleDto",
    "SafetyBrakeDto",
    "SkippedRowDto",
    "SkippedRowDtoData",
    "SnapshotEvent",
    "SnapshotEventCallsByStatus",
    "SourceDto",
    "StopModeDto",
    "StopRequest",
    "StreamCampaignEventsResponse200",
    "StreamCampaignEventsResponse200Event",
    "StreamEventsResponse200",
    "StreamEventsResponse200Event",
    "SuppressedNumberDto",
    "SuppressionListDto",
    "SuppressionSourceDto",
    "TemplateDto",
    "TickCampaign",
    "TickProcessed",
    "TickReport",
    "TimelineDto",
    "TokenDto",
    "UpdateAssistantRequest",
    "UpdateAssistantRequestModel",
    "UpdateAssistantRequestOptions",
    "UpdateAssistantRequestVoice",
    "UpdateCampaignJson",
    "UpdateUserRequest",
    "UserDto",
)
