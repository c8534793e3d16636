from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_envelope import ErrorEnvelope
from ...models.import_numbers_report import ImportNumbersReport
from ...models.import_suppressed_body import ImportSuppressedBody
from typing import cast



def _get_kwargs(
    *,
    body: ImportSuppressedBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/suppression/import",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | ImportNumbersReport | None:
    if response.status_code == 200:
        response_200 = ImportNumbersReport.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorEnvelope | ImportNumbersReport]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ImportSuppressedBody,

) -> Response[ErrorEnvelope | ImportNumbersReport]:
    """ Add every number of a CSV upload to the do-not-call list (admin).

     The report counts the rows added, already listed and invalid (a row whose number
    cannot be read, bytes that are not UTF-8 included, is reported and skipped; the rest
    of the file still goes on the list). A file that is not text at all (it holds NUL
    bytes: an image, a spreadsheet, UTF-16) or is not readable CSV is refused whole with
    422 naming `file`.

    Args:
        body (ImportSuppressedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ImportNumbersReport]
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
    body: ImportSuppressedBody,

) -> ErrorEnvelope | ImportNumbersReport | None:
    """ Add every number of a CSV upload to the do-not-call list (admin).

     The report counts the rows added, already listed and invalid (a row whose number
    cannot be read, bytes that are not UTF-8 included, is reported and skipped; the rest
    of the file still goes on the list). A file that is not text at all (it holds NUL
    bytes: an image, a spreadsheet, UTF-16) or is not readable CSV is refused whole with
    422 naming `file`.

    Args:
        body (ImportSuppressedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ImportNumbersReport
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ImportSuppressedBody,

) -> Response[ErrorEnvelope | ImportNumbersReport]:
    """ Add every number of a CSV upload to the do-not-call list (admin).

     The report counts the rows added, already listed and invalid (a row whose number
    cannot be read, bytes that are not UTF-8 included, is reported and skipped; the rest
    of the file still goes on the list). A file that is not text at all (it holds NUL
    bytes: an image, a spreadsheet, UTF-16) or is not readable CSV is refused whole with
    422 naming `file`.

    Args:
        body (ImportSuppressedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ImportNumbersReport]
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
    body: ImportSuppressedBody,

) -> ErrorEnvelope | ImportNumbersReport | None:
    """ Add every number of a CSV upload to the do-not-call list (admin).

     The report counts the rows added, already listed and invalid (a row whose number
    cannot be read, bytes that are not UTF-8 included, is reported and skipped; the rest
    of the file still goes on the list). A file that is not text at all (it holds NUL
    bytes: an image, a spreadsheet, UTF-16) or is not readable CSV is refused whole with
    422 naming `file`.

    Args:
        body (ImportSuppressedBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ImportNumbersReport
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
