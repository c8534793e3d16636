from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.erasure_report import ErasureReport
from ...models.error_envelope import ErrorEnvelope
from typing import cast



def _get_kwargs(
    *,
    phone: str,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["phone"] = phone


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/contacts",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErasureReport | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ErasureReport.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErasureReport | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    phone: str,

) -> Response[ErasureReport | ErrorEnvelope]:
    """ Erase a person's data (admin): the number's contacts in every campaign, their calls and
    events are deleted, and the number goes on the do-not-call list (right to erasure).

     409 while a call to the number may be live; erasing twice finds nothing the second time.

    Args:
        phone (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureReport | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        phone=phone,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    phone: str,

) -> ErasureReport | ErrorEnvelope | None:
    """ Erase a person's data (admin): the number's contacts in every campaign, their calls and
    events are deleted, and the number goes on the do-not-call list (right to erasure).

     409 while a call to the number may be live; erasing twice finds nothing the second time.

    Args:
        phone (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureReport | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
phone=phone,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    phone: str,

) -> Response[ErasureReport | ErrorEnvelope]:
    """ Erase a person's data (admin): the number's contacts in every campaign, their calls and
    events are deleted, and the number goes on the do-not-call list (right to erasure).

     409 while a call to the number may be live; erasing twice finds nothing the second time.

    Args:
        phone (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureReport | ErrorEnvelope]
     """


    kwargs = _get_kwargs(
        phone=phone,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    phone: str,

) -> ErasureReport | ErrorEnvelope | None:
    """ Erase a person's data (admin): the number's contacts in every campaign, their calls and
    events are deleted, and the number goes on the do-not-call list (right to erasure).

     409 while a call to the number may be live; erasing twice finds nothing the second time.

    Args:
        phone (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureReport | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
phone=phone,

    )).parsed
