from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.create_user_request import CreateUserRequest
from ...models.error_envelope import ErrorEnvelope
from ...models.user_dto import UserDto
from typing import cast



def _get_kwargs(
    *,
    body: CreateUserRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/users",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | UserDto | None:
    if response.status_code == 200:
        response_200 = UserDto.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = UserDto.from_dict(response.json())



        return response_201

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | UserDto]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateUserRequest,

) -> Response[ErrorEnvelope | UserDto]:
    """ Create a user, or allowlist an existing one (same email, or same name without email), with a
    role (admin).

     An admin cannot give themselves another role this way (409).

    Args:
        body (CreateUserRequest):  Example: {'email': 'olga@example.com', 'name': 'Olga Operator',
            'role': 'operator'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UserDto]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: CreateUserRequest,

) -> ErrorEnvelope | UserDto | None:
    """ Create a user, or allowlist an existing one (same email, or same name without email), with a
    role (admin).

     An admin cannot give themselves another role this way (409).

    Args:
        body (CreateUserRequest):  Example: {'email': 'olga@example.com', 'name': 'Olga Operator',
            'role': 'operator'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UserDto
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateUserRequest,

) -> Response[ErrorEnvelope | UserDto]:
    """ Create a user, or allowlist an existing one (same email, or same name without email), with a
    role (admin).

     An admin cannot give themselves another role this way (409).

    Args:
        body (CreateUserRequest):  Example: {'email': 'olga@example.com', 'name': 'Olga Operator',
            'role': 'operator'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UserDto]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateUserRequest,

) -> ErrorEnvelope | UserDto | None:
    """ Create a user, or allowlist an existing one (same email, or same name without email), with a
    role (admin).

     An admin cannot give themselves another role this way (409).

    Args:
        body (CreateUserRequest):  Example: {'email': 'olga@example.com', 'name': 'Olga Operator',
            'role': 'operator'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UserDto
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
