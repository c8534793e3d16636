from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.campaign_detail_dto import CampaignDetailDto
from ...models.error_envelope import ErrorEnvelope
from ...models.update_campaign_json import UpdateCampaignJson
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    body: UpdateCampaignJson,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/campaigns/{id}".format(id=quote(str(id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CampaignDetailDto | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CampaignDetailDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CampaignDetailDto | ErrorEnvelope]:
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
    body: UpdateCampaignJson,

) -> Response[CampaignDetailDto | ErrorEnvelope]:
    """ Edit a CREATED or PAUSED campaign.

     Name, cap, mode, line-quiet gating, calling hours, days and time zone, redials, budget,
    scheduled start, safety-brake rules and assistant. Absent fields stay as they are; the
    changes apply when it starts or resumes, and each is recorded on the campaign's history
    (`GET /api/audit?targetType=campaign&targetId=…`). 409 naming the status otherwise.

    Args:
        id (UUID):
        body (UpdateCampaignJson): What to change in a CREATED or PAUSED campaign; absent fields
            stay as they are. Changes
            apply when the campaign (re)starts. Example: {'budgetUsd': 400.0, 'callingHours':
            '10:00-17:00', 'cap': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CampaignDetailDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateCampaignJson,

) -> CampaignDetailDto | ErrorEnvelope | None:
    """ Edit a CREATED or PAUSED campaign.

     Name, cap, mode, line-quiet gating, calling hours, days and time zone, redials, budget,
    scheduled start, safety-brake rules and assistant. Absent fields stay as they are; the
    changes apply when it starts or resumes, and each is recorded on the campaign's history
    (`GET /api/audit?targetType=campaign&targetId=…`). 409 naming the status otherwise.

    Args:
        id (UUID):
        body (UpdateCampaignJson): What to change in a CREATED or PAUSED campaign; absent fields
            stay as they are. Changes
            apply when the campaign (re)starts. Example: {'budgetUsd': 400.0, 'callingHours':
            '10:00-17:00', 'cap': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CampaignDetailDto | ErrorEnvelope
     """


    return sync_detailed(
        id=id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateCampaignJson,

) -> Response[CampaignDetailDto | ErrorEnvelope]:
    """ Edit a CREATED or PAUSED campaign.

     Name, cap, mode, line-quiet gating, calling hours, days and time zone, redials, budget,
    scheduled start, safety-brake rules and assistant. Absent fields stay as they are; the
    changes apply when it starts or resumes, and each is recorded on the campaign's history
    (`GET /api/audit?targetType=campaign&targetId=…`). 409 naming the status otherwise.

    Args:
        id (UUID):
        body (UpdateCampaignJson): What to change in a CREATED or PAUSED campaign; absent fields
            stay as they are. Changes
            apply when the campaign (re)starts. Example: {'budgetUsd': 400.0, 'callingHours':
            '10:00-17:00', 'cap': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CampaignDetailDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateCampaignJson,

) -> CampaignDetailDto | ErrorEnvelope | None:
    """ Edit a CREATED or PAUSED campaign.

     Name, cap, mode, line-quiet gating, calling hours, days and time zone, redials, budget,
    scheduled start, safety-brake rules and assistant. Absent fields stay as they are; the
    changes apply when it starts or resumes, and each is recorded on the campaign's history
    (`GET /api/audit?targetType=campaign&targetId=…`). 409 naming the status otherwise.

    Args:
        id (UUID):
        body (UpdateCampaignJson): What to change in a CREATED or PAUSED campaign; absent fields
            stay as they are. Changes
            apply when the campaign (re)starts. Example: {'budgetUsd': 400.0, 'callingHours':
            '10:00-17:00', 'cap': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CampaignDetailDto | ErrorEnvelope
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,

    )).parsed
