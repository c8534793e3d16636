from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.contact_list_dto import ContactListDto
from ...models.contact_status_dto import ContactStatusDto
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID



def _get_kwargs(
    id: UUID,
    *,
    status: ContactStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    batch: int | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["search"] = search

    params["batch"] = batch

    params["page"] = page

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/campaigns/{id}/contacts".format(id=quote(str(id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ContactListDto | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ContactListDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ContactListDto | ErrorEnvelope]:
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
    status: ContactStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    batch: int | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ContactListDto | ErrorEnvelope]:
    """ A campaign's contacts with their latest call.

     Filter by `status` and `batch`, search by name, business or phone; paginated (up to 500 per
    page) in row order. Each contact carries its attempts, time zone, `nextAttemptAt` when a
    redial waits, and its latest call (status, outcome, duration, cost, recording, summary);
    `summary` counts the campaign's contacts by status.

    Args:
        id (UUID):
        status (ContactStatusDto | Unset): A contact's status.
        search (str | Unset):
        batch (int | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactListDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,
status=status,
search=search,
batch=batch,
page=page,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    status: ContactStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    batch: int | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ContactListDto | ErrorEnvelope | None:
    """ A campaign's contacts with their latest call.

     Filter by `status` and `batch`, search by name, business or phone; paginated (up to 500 per
    page) in row order. Each contact carries its attempts, time zone, `nextAttemptAt` when a
    redial waits, and its latest call (status, outcome, duration, cost, recording, summary);
    `summary` counts the campaign's contacts by status.

    Args:
        id (UUID):
        status (ContactStatusDto | Unset): A contact's status.
        search (str | Unset):
        batch (int | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactListDto | ErrorEnvelope
     """


    return sync_detailed(
        id=id,
client=client,
status=status,
search=search,
batch=batch,
page=page,
limit=limit,

    ).parsed

async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    status: ContactStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    batch: int | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[ContactListDto | ErrorEnvelope]:
    """ A campaign's contacts with their latest call.

     Filter by `status` and `batch`, search by name, business or phone; paginated (up to 500 per
    page) in row order. Each contact carries its attempts, time zone, `nextAttemptAt` when a
    redial waits, and its latest call (status, outcome, duration, cost, recording, summary);
    `summary` counts the campaign's contacts by status.

    Args:
        id (UUID):
        status (ContactStatusDto | Unset): A contact's status.
        search (str | Unset):
        batch (int | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactListDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        id=id,
status=status,
search=search,
batch=batch,
page=page,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    status: ContactStatusDto | Unset = UNSET,
    search: str | Unset = UNSET,
    batch: int | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> ContactListDto | ErrorEnvelope | None:
    """ A campaign's contacts with their latest call.

     Filter by `status` and `batch`, search by name, business or phone; paginated (up to 500 per
    page) in row order. Each contact carries its attempts, time zone, `nextAttemptAt` when a
    redial waits, and its latest call (status, outcome, duration, cost, recording, summary);
    `summary` counts the campaign's contacts by status.

    Args:
        id (UUID):
        status (ContactStatusDto | Unset): A contact's status.
        search (str | Unset):
        batch (int | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactListDto | ErrorEnvelope
     """


    return (await asyncio_detailed(
        id=id,
client=client,
status=status,
search=search,
batch=batch,
page=page,
limit=limit,

    )).parsed
