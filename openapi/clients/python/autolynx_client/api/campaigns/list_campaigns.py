from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.campaign_list_dto import CampaignListDto
from ...models.campaign_status_dto import CampaignStatusDto
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    status: CampaignStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["search"] = search

    params["page"] = page

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/campaigns",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CampaignListDto | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CampaignListDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CampaignListDto | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: CampaignStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[CampaignListDto | ErrorEnvelope]:
    """ List campaigns (operators see their own) with live counters.

     Admins see every campaign, operators their own. Filter by `status`, search by name; newest
    first, paginated. Each campaign carries its counters (pending, live, done, successful,
    cost), its `startAt` when scheduled and its `pauseReason` when paused.

    Args:
        status (CampaignStatusDto | Unset):
        search (str | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CampaignListDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        status=status,
search=search,
page=page,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    status: CampaignStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> CampaignListDto | ErrorEnvelope | None:
    """ List campaigns (operators see their own) with live counters.

     Admins see every campaign, operators their own. Filter by `status`, search by name; newest
    first, paginated. Each campaign carries its counters (pending, live, done, successful,
    cost), its `startAt` when scheduled and its `pauseReason` when paused.

    Args:
        status (CampaignStatusDto | Unset):
        search (str | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CampaignListDto | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
status=status,
search=search,
page=page,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: CampaignStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[CampaignListDto | ErrorEnvelope]:
    """ List campaigns (operators see their own) with live counters.

     Admins see every campaign, operators their own. Filter by `status`, search by name; newest
    first, paginated. Each campaign carries its counters (pending, live, done, successful,
    cost), its `startAt` when scheduled and its `pauseReason` when paused.

    Args:
        status (CampaignStatusDto | Unset):
        search (str | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CampaignListDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        status=status,
search=search,
page=page,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    status: CampaignStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> CampaignListDto | ErrorEnvelope | None:
    """ List campaigns (operators see their own) with live counters.

     Admins see every campaign, operators their own. Filter by `status`, search by name; newest
    first, paginated. Each campaign carries its counters (pending, live, done, successful,
    cost), its `startAt` when scheduled and its `pauseReason` when paused.

    Args:
        status (CampaignStatusDto | Unset):
        search (str | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CampaignListDto | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
status=status,
search=search,
page=page,
limit=limit,

    )).parsed
