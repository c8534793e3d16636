from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.live_event_call_event import LiveEventCallEvent
from ...models.live_event_campaign_event import LiveEventCampaignEvent
from ...models.live_event_counters_event import LiveEventCountersEvent
from ...models.live_event_end_event import LiveEventEndEvent
from ...models.live_event_snapshot_event import LiveEventSnapshotEvent
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/campaigns/{id}/events".format(id=quote(str(id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_live_event_type_0 = LiveEventSnapshotEvent.from_dict(data)



                return componentsschemas_live_event_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_live_event_type_1 = LiveEventCallEvent.from_dict(data)



                return componentsschemas_live_event_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_live_event_type_2 = LiveEventCampaignEvent.from_dict(data)



                return componentsschemas_live_event_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_live_event_type_3 = LiveEventCountersEvent.from_dict(data)



                return componentsschemas_live_event_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_live_event_type_4 = LiveEventEndEvent.from_dict(data)



            return componentsschemas_live_event_type_4

        response_200 = _parse_response_200(response.text)

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())



        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,

) -> Response[ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent]:
    """ Live progress of one campaign as Server-Sent Events: a first `snapshot` (status,
    counters, calls by status), then a `call` event for every call status change, a
    `campaign` event for every campaign status change, `counters` at most every 250 ms
    while things change, and a final `counters` + `end` when the campaign is COMPLETED,
    STOPPED or FAILED (at once if it already is).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent]
     """


    kwargs = _get_kwargs(
        id=id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,

) -> ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent | None:
    """ Live progress of one campaign as Server-Sent Events: a first `snapshot` (status,
    counters, calls by status), then a `call` event for every call status change, a
    `campaign` event for every campaign status change, `counters` at most every 250 ms
    while things change, and a final `counters` + `end` when the campaign is COMPLETED,
    STOPPED or FAILED (at once if it already is).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent
     """


    return sync_detailed(
        id=id,
client=client,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,

) -> Response[ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent]:
    """ Live progress of one campaign as Server-Sent Events: a first `snapshot` (status,
    counters, calls by status), then a `call` event for every call status change, a
    `campaign` event for every campaign status change, `counters` at most every 250 ms
    while things change, and a final `counters` + `end` when the campaign is COMPLETED,
    STOPPED or FAILED (at once if it already is).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent]
     """


    kwargs = _get_kwargs(
        id=id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,

) -> ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent | None:
    """ Live progress of one campaign as Server-Sent Events: a first `snapshot` (status,
    counters, calls by status), then a `call` event for every call status change, a
    `campaign` event for every campaign status change, `counters` at most every 250 ms
    while things change, and a final `counters` + `end` when the campaign is COMPLETED,
    STOPPED or FAILED (at once if it already is).

    Args:
        id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | LiveEventCallEvent | LiveEventCampaignEvent | LiveEventCountersEvent | LiveEventEndEvent | LiveEventSnapshotEvent
     """


    return (await asyncio_detailed(
        id=id,
client=client,

    )).parsed
