from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET, Unset
from ... import errors

from ...models.create_campaign_files_body import CreateCampaignFilesBody
from ...models.create_campaign_json import CreateCampaignJson
from ...models.created_campaign_dto import CreatedCampaignDto
from ...models.error_envelope import ErrorEnvelope
from typing import cast



def _get_kwargs(
    *,
    body:    CreateCampaignJson  |     CreateCampaignFilesBody  | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/campaigns",
    }

    if isinstance(body, CreateCampaignJson):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json; charset=utf-8"
    if isinstance(body, CreateCampaignFilesBody):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CreatedCampaignDto | ErrorEnvelope | None:
    if response.status_code == 201:
        response_201 = CreatedCampaignDto.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CreatedCampaignDto | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body:    CreateCampaignJson  |     CreateCampaignFilesBody  | Unset = UNSET,

) -> Response[CreatedCampaignDto | ErrorEnvelope]:
    """ Create a campaign from a CSV of contacts (multipart form). Answers with the import
    report: every skipped row with its reason.

     When no row can be accepted the campaign is not created and the error's
    `details.importReport` says why for each row: 409 when every row was skipped only
    because its number is on the do-not-call list, 422 otherwise.

    Args:
        body (CreateCampaignJson): `POST /api/campaigns` as JSON: the form's fields, with the
            contacts in the body. Example: {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f',
            'budgetUsd': 250.0, 'callingDays': 'mon-fri', 'callingHours': '09:00-18:00', 'cap': 5,
            'contacts': [{'business_name': 'Lopez Bakery', 'name': 'Ada Lopez', 'phone': '+1 415 234
            5678'}, {'business_name': 'Okafor Plumbing', 'name': 'Sam Okafor', 'phone': '(212)
            234-0199'}], 'maxAttempts': 3, 'name': 'Spring renewals', 'redialDelaySeconds': 3600,
            'redialOn': 'no-answer,busy', 'safetyBrakeFailureShare': 0.5, 'safetyBrakeFailuresInARow':
            5, 'safetyBrakeWindow': 20, 'timezone': 'America/Los_Angeles'}.
        body (CreateCampaignFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedCampaignDto | ErrorEnvelope]
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
    body:    CreateCampaignJson  |     CreateCampaignFilesBody  | Unset = UNSET,

) -> CreatedCampaignDto | ErrorEnvelope | None:
    """ Create a campaign from a CSV of contacts (multipart form). Answers with the import
    report: every skipped row with its reason.

     When no row can be accepted the campaign is not created and the error's
    `details.importReport` says why for each row: 409 when every row was skipped only
    because its number is on the do-not-call list, 422 otherwise.

    Args:
        body (CreateCampaignJson): `POST /api/campaigns` as JSON: the form's fields, with the
            contacts in the body. Example: {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f',
            'budgetUsd': 250.0, 'callingDays': 'mon-fri', 'callingHours': '09:00-18:00', 'cap': 5,
            'contacts': [{'business_name': 'Lopez Bakery', 'name': 'Ada Lopez', 'phone': '+1 415 234
            5678'}, {'business_name': 'Okafor Plumbing', 'name': 'Sam Okafor', 'phone': '(212)
            234-0199'}], 'maxAttempts': 3, 'name': 'Spring renewals', 'redialDelaySeconds': 3600,
            'redialOn': 'no-answer,busy', 'safetyBrakeFailureShare': 0.5, 'safetyBrakeFailuresInARow':
            5, 'safetyBrakeWindow': 20, 'timezone': 'America/Los_Angeles'}.
        body (CreateCampaignFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedCampaignDto | ErrorEnvelope
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body:    CreateCampaignJson  |     CreateCampaignFilesBody  | Unset = UNSET,

) -> Response[CreatedCampaignDto | ErrorEnvelope]:
    """ Create a campaign from a CSV of contacts (multipart form). Answers with the import
    report: every skipped row with its reason.

     When no row can be accepted the campaign is not created and the error's
    `details.importReport` says why for each row: 409 when every row was skipped only
    because its number is on the do-not-call list, 422 otherwise.

    Args:
        body (CreateCampaignJson): `POST /api/campaigns` as JSON: the form's fields, with the
            contacts in the body. Example: {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f',
            'budgetUsd': 250.0, 'callingDays': 'mon-fri', 'callingHours': '09:00-18:00', 'cap': 5,
            'contacts': [{'business_name': 'Lopez Bakery', 'name': 'Ada Lopez', 'phone': '+1 415 234
            5678'}, {'business_name': 'Okafor Plumbing', 'name': 'Sam Okafor', 'phone': '(212)
            234-0199'}], 'maxAttempts': 3, 'name': 'Spring renewals', 'redialDelaySeconds': 3600,
            'redialOn': 'no-answer,busy', 'safetyBrakeFailureShare': 0.5, 'safetyBrakeFailuresInARow':
            5, 'safetyBrakeWindow': 20, 'timezone': 'America/Los_Angeles'}.
        body (CreateCampaignFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreatedCampaignDto | ErrorEnvelope]
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
    body:    CreateCampaignJson  |     CreateCampaignFilesBody  | Unset = UNSET,

) -> CreatedCampaignDto | ErrorEnvelope | None:
    """ Create a campaign from a CSV of contacts (multipart form). Answers with the import
    report: every skipped row with its reason.

     When no row can be accepted the campaign is not created and the error's
    `details.importReport` says why for each row: 409 when every row was skipped only
    because its number is on the do-not-call list, 422 otherwise.

    Args:
        body (CreateCampaignJson): `POST /api/campaigns` as JSON: the form's fields, with the
            contacts in the body. Example: {'assistantId': '01928f2e-6d3a-7c41-9b5e-2f1a3c4d5e6f',
            'budgetUsd': 250.0, 'callingDays': 'mon-fri', 'callingHours': '09:00-18:00', 'cap': 5,
            'contacts': [{'business_name': 'Lopez Bakery', 'name': 'Ada Lopez', 'phone': '+1 415 234
            5678'}, {'business_name': 'Okafor Plumbing', 'name': 'Sam Okafor', 'phone': '(212)
            234-0199'}], 'maxAttempts': 3, 'name': 'Spring renewals', 'redialDelaySeconds': 3600,
            'redialOn': 'no-answer,busy', 'safetyBrakeFailureShare': 0.5, 'safetyBrakeFailuresInARow':
            5, 'safetyBrakeWindow': 20, 'timezone': 'America/Los_Angeles'}.
        body (CreateCampaignFilesBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreatedCampaignDto | ErrorEnvelope
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
