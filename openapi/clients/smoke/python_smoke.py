"""Smoke test of the generated Python client against a live server (scripts/contract-check).

Through the SDK only: clone a template, create a campaign from a small CSV (multipart upload),
start it, follow it to COMPLETED, read the contacts, download the export, and check the
outcomes against the simulator's own count (GET /_sim/stats, the oracle).
Environment: AUTOLYNX_URL, AUTOLYNX_TOKEN, AUTOLYNX_SIM_URL.
"""

import collections
import io
import json
import os
import sys
import time
import urllib.request

from autolynx_client import AuthenticatedClient
from autolynx_client.api.assistants import clone_assistant_template
from autolynx_client.api.campaigns import (
    create_campaign,
    export_campaign,
    get_campaign,
    list_campaign_contacts,
    start_campaign,
)
from autolynx_client.models import (
    AssistantDto,
    CampaignStatusDto,
    CloneTemplateRequest,
    CreateCampaignFilesBody,
    CreatedCampaignDto,
)
from autolynx_client.types import File

CONTACTS = 8


def main() -> int:
    base, token, sim = (os.environ[k] for k in ("AUTOLYNX_URL", "AUTOLYNX_TOKEN", "AUTOLYNX_SIM_URL"))
    client = AuthenticatedClient(base_url=f"{base}/api", token=token, raise_on_unexpected_status=True)
    before = sim_stats(sim)

    assistant = clone_assistant_template.sync(
        "short-pitch", client=client, body=CloneTemplateRequest(name="Python smoke")
    )
    assert isinstance(assistant, AssistantDto), assistant

    rows = ["name,business_name,phone,city"]
    rows += [f"Person {i},Business {i},+1 312 555 {2100 + i},Chicago" for i in range(CONTACTS)]
    csv = ("\r\n".join(rows) + "\r\n").encode()
    created = create_campaign.sync(
        client=client,
        body=CreateCampaignFilesBody(
            contacts_csv=File(payload=io.BytesIO(csv), file_name="contacts.csv", mime_type="text/csv"),
            name="Python smoke",
            assistant_id=assistant.id,
            cap=3,
        ),
    )
    assert isinstance(created, CreatedCampaignDto), created
    assert created.import_report.accepted == CONTACTS, created.import_report
    campaign_id = created.campaign_id

    start_campaign.sync(campaign_id, client=client)
    deadline = time.monotonic() + 60
    while True:
        detail = get_campaign.sync(campaign_id, client=client)
        if detail.status == CampaignStatusDto.COMPLETED:
            break
        assert time.monotonic() < deadline, f"not COMPLETED in 60 s: {detail.status}"
        time.sleep(0.2)

    contacts = list_campaign_contacts.sync(campaign_id, client=client, limit=100)
    assert contacts.pagination.total == CONTACTS, contacts.pagination
    reasons = collections.Counter(c.latest_call.ended_reason for c in contacts.items)
    assert sum(reasons.values()) == CONTACTS, reasons

    export = export_campaign.sync(campaign_id, client=client)
    assert isinstance(export, str), type(export)
    lines = export.splitlines()
    assert lines[0].startswith("name,business_name,phone,call_status,ended_reason"), lines[0]
    assert len(lines) == CONTACTS + 1, lines

    after = sim_stats(sim)
    assert after["callsCreated"] - before["callsCreated"] == CONTACTS, (before, after)
    seen = collections.Counter(after["endedReasons"]) - collections.Counter(before["endedReasons"])
    assert seen == reasons, (seen, reasons)
    print(f"python smoke: {CONTACTS} contacts COMPLETED, outcomes {dict(reasons)} match the simulator")
    return 0


def sim_stats(sim: str) -> dict:
    with urllib.request.urlopen(f"{sim}/_sim/stats") as resp:
        return json.load(resp)


if __name__ == "__main__":
    sys.exit(main())
