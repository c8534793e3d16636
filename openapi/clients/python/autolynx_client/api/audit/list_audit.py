from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.audit_list_dto import AuditListDto
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime



def _get_kwargs(
    *,
    actor_id: UUID | Unset = UNSET,
    action: str | Unset = UNSET,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_actor_id: str | Unset = UNSET
    if not isinstance(actor_id, Unset):
        json_actor_id = str(actor_id)
    params["actorId"] = json_actor_id

    params["action"] = action

    params["targetType"] = target_type

    params["targetId"] = target_id

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["page"] = page

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/audit",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditListDto | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AuditListDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AuditListDto | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor_id: UUID | Unset = UNSET,
    action: str | Unset = UNSET,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[AuditListDto | ErrorEnvelope]:
    """ The audit trail, newest first (admin): who changed what, when, with which request id.

     Entries are append-only; nothing in the API changes or removes them.

    Args:
        actor_id (UUID | Unset):
        action (str | Unset):
        target_type (str | Unset):
        target_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditListDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        actor_id=actor_id,
action=action,
target_type=target_type,
target_id=target_id,
since=since,
until=until,
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
    actor_id: UUID | Unset = UNSET,
    action: str | Unset = UNSET,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> AuditListDto | ErrorEnvelope | None:
    """ The audit trail, newest first (admin): who changed what, when, with which request id.

     Entries are append-only; nothing in the API changes or removes them.

    Args:
        actor_id (UUID | Unset):
        action (str | Unset):
        target_type (str | Unset):
        target_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditListDto | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
actor_id=actor_id,
action=action,
target_type=target_type,
target_id=target_id,
since=since,
until=until,
page=page,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor_id: UUID | Unset = UNSET,
    action: str | Unset = UNSET,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> Response[AuditListDto | ErrorEnvelope]:
    """ The audit trail, newest first (admin): who changed what, when, with which request id.

     Entries are append-only; nothing in the API changes or removes them.

    Args:
        actor_id (UUID | Unset):
        action (str | Unset):
        target_type (str | Unset):
        target_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditListDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        actor_id=actor_id,
action=action,
target_type=target_type,
target_id=target_id,
since=since,
until=until,
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
    actor_id: UUID | Unset = UNSET,
    action: str | Unset = UNSET,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    limit: int | Unset = UNSET,

) -> AuditListDto | ErrorEnvelope | None:
    """ The audit trail, newest first (admin): who changed what, when, with which request id.

     Entries are append-only; nothing in the API changes or removes them.

    Args:
        actor_id (UUID | Unset):
        action (str | Unset):
        target_type (str | Unset):
        target_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        page (int | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditListDto | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
actor_id=actor_id,
action=action,
target_type=target_type,
target_id=target_id,
since=since,
until=until,
page=page,
limit=limit,

    )).parsed
