from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.phone_line_health import PhoneLineHealth
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    *,
    phone_number_id: str | Unset = UNSET,
    campaign_id: UUID | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["phoneNumberId"] = phone_number_id

    json_campaign_id: str | Unset = UNSET
    if not isinstance(campaign_id, Unset):
        json_campaign_id = str(campaign_id)
    params["campaignId"] = json_campaign_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/health/phone-line",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | PhoneLineHealth | None:
    if response.status_code == 200:
        response_200 = PhoneLineHealth.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | PhoneLineHealth]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    phone_number_id: str | Unset = UNSET,
    campaign_id: UUID | Unset = UNSET,

) -> Response[ErrorEnvelope | PhoneLineHealth]:
    """ Live calls on a phone line as the provider sees them: `healthy` (none), `busy`, or `error`
    (the provider could not be asked).

     Give `phoneNumberId`, or `campaignId` for the campaign's line; without either, the server's
    configured line. Cached 60 s per line; informational only. 404 `feature_disabled` when
    `features.phone_line_health_check` is off.

    Args:
        phone_number_id (str | Unset):
        campaign_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PhoneLineHealth]
     """


    kwargs = _get_kwargs(
        phone_number_id=phone_number_id,
campaign_id=campaign_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    phone_number_id: str | Unset = UNSET,
    campaign_id: UUID | Unset = UNSET,

) -> ErrorEnvelope | PhoneLineHealth | None:
    """ Live calls on a phone line as the provider sees them: `healthy` (none), `busy`, or `error`
    (the provider could not be asked).

     Give `phoneNumberId`, or `campaignId` for the campaign's line; without either, the server's
    configured line. Cached 60 s per line; informational only. 404 `feature_disabled` when
    `features.phone_line_health_check` is off.

    Args:
        phone_number_id (str | Unset):
        campaign_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PhoneLineHealth
     """


    return sync_detailed(
        client=client,
phone_number_id=phone_number_id,
campaign_id=campaign_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    phone_number_id: str | Unset = UNSET,
    campaign_id: UUID | Unset = UNSET,

) -> Response[ErrorEnvelope | PhoneLineHealth]:
    """ Live calls on a phone line as the provider sees them: `healthy` (none), `busy`, or `error`
    (the provider could not be asked).

     Give `phoneNumberId`, or `campaignId` for the campaign's line; without either, the server's
    configured line. Cached 60 s per line; informational only. 404 `feature_disabled` when
    `features.phone_line_health_check` is off.

    Args:
        phone_number_id (str | Unset):
        campaign_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PhoneLineHealth]
     """


    kwargs = _get_kwargs(
        phone_number_id=phone_number_id,
campaign_id=campaign_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    phone_number_id: str | Unset = UNSET,
    campaign_id: UUID | Unset = UNSET,

) -> ErrorEnvelope | PhoneLineHealth | None:
    """ Live calls on a phone line as the provider sees them: `healthy` (none), `busy`, or `error`
    (the provider could not be asked).

     Give `phoneNumberId`, or `campaignId` for the campaign's line; without either, the server's
    configured line. Cached 60 s per line; informational only. 404 `feature_disabled` when
    `features.phone_line_health_check` is off.

    Args:
        phone_number_id (str | Unset):
        campaign_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PhoneLineHealth
     """


    return (await asyncio_detailed(
        client=client,
phone_number_id=phone_number_id,
campaign_id=campaign_id,

    )).parsed
