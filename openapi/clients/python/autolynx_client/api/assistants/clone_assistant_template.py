from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.assistant_dto import AssistantDto
from ...models.clone_template_request import CloneTemplateRequest
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    key: str,
    *,
    body: CloneTemplateRequest | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/assistants/templates/{key}/clone".format(key=quote(str(key), safe=""),),
    }

    
    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json; charset=utf-8"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AssistantDto | ErrorEnvelope | None:
    if response.status_code == 201:
        response_201 = AssistantDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AssistantDto | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: CloneTemplateRequest | Unset = UNSET,

) -> Response[AssistantDto | ErrorEnvelope]:
    """ Create an assistant from a stock template, at the provider and here (admin).

     The body is optional: `name` defaults to the template's, and `ephemeral: true` marks a
    throwaway assistant (tests, demos) that is deleted at the provider when removed here. 404
    for an unknown template key; 502 when the provider refuses or cannot be reached (nothing is
    stored then).

    Args:
        key (str):
        body (CloneTemplateRequest | Unset):  Example: {'name': 'Renewal reminder'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssistantDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        key=key,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    key: str,
    *,
    client: AuthenticatedClient,
    body: CloneTemplateRequest | Unset = UNSET,

) -> AssistantDto | ErrorEnvelope | None:
    """ Create an assistant from a stock template, at the provider and here (admin).

     The body is optional: `name` defaults to the template's, and `ephemeral: true` marks a
    throwaway assistant (tests, demos) that is deleted at the provider when removed here. 404
    for an unknown template key; 502 when the provider refuses or cannot be reached (nothing is
    stored then).

    Args:
        key (str):
        body (CloneTemplateRequest | Unset):  Example: {'name': 'Renewal reminder'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssistantDto | ErrorEnvelope
     """


    return sync_detailed(
        key=key,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: CloneTemplateRequest | Unset = UNSET,

) -> Response[AssistantDto | ErrorEnvelope]:
    """ Create an assistant from a stock template, at the provider and here (admin).

     The body is optional: `name` defaults to the template's, and `ephemeral: true` marks a
    throwaway assistant (tests, demos) that is deleted at the provider when removed here. 404
    for an unknown template key; 502 when the provider refuses or cannot be reached (nothing is
    stored then).

    Args:
        key (str):
        body (CloneTemplateRequest | Unset):  Example: {'name': 'Renewal reminder'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssistantDto | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        key=key,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    key: str,
    *,
    client: AuthenticatedClient,
    body: CloneTemplateRequest | Unset = UNSET,

) -> AssistantDto | ErrorEnvelope | None:
    """ Create an assistant from a stock template, at the provider and here (admin).

     The body is optional: `name` defaults to the template's, and `ephemeral: true` marks a
    throwaway assistant (tests, demos) that is deleted at the provider when removed here. 404
    for an unknown template key; 502 when the provider refuses or cannot be reached (nothing is
    stored then).

    Args:
        key (str):
        body (CloneTemplateRequest | Unset):  Example: {'name': 'Renewal reminder'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssistantDto | ErrorEnvelope
     """


    return (await asyncio_detailed(
        key=key,
client=client,
body=body,

    )).parsed
