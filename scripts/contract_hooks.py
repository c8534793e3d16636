"""schemathesis hooks for the contract check: the rules the spec states in words because
JSON Schema (OpenAPI 3.0) cannot state them, taught to the generator. No check is switched off
and nothing here decides whether a response is right; the server still answers every rule
broken in a request with its documented 422.

- `format: phone` is a phone number in any common format that is a valid number in its
  country's numbering plan (the server checks it with libphonenumber). No pattern says that,
  so schemathesis learns it here: valid US numbers, written the ways people write them.
- `POST /users/{id}/tokens`: `expiresAt` must be in the future, and `expiresAt` and
  `expiresInDays` are alternatives (give one or the other). A schema can say neither "later
  than now" nor "not both" in a way the three client generators read, so before each call a
  request that breaks only these rules is made to keep them: a past `expiresAt` becomes a
  future one and, when both are given, `expiresInDays` is dropped. Each change maps a
  schema-valid value to a schema-valid one (or removes a valid optional field), so a request
  that was meant to be invalid stays invalid.
- `POST /campaigns`: the contacts (`contactsCsv` in the form, `contacts` in JSON) are a CSV
  with `name`, `business_name` and `phone` columns, or rows with those keys; the schema can
  only say "bytes", "a string" or "objects of strings". Before each call, contacts that are
  schema-valid are replaced by contacts of that shape (a few rows, valid numbers), derived
  from the generated value; contacts that are not schema-valid are left as generated. The
  schedule fields are strings with a grammar given in words (`timezone` an IANA name,
  `callingHours` a window such as `09:00-20:00` or `any`, `callingDays` weekdays such as
  `mon-fri`, and days only with a window): a string given for one of them is replaced by a
  valid one picked from the generated value, and days get a window.
  `startAt` (a scheduled start) must be in the future and at most 366 days ahead: a
  schema-valid date-time given for it is replaced by one in that range picked from it.
- `PATCH /campaigns/{id}`: the same schedule fields and `startAt`, the same rules.

- `POST /suppression/import`: the file is a text file (a CSV or one number per line); the
  server refuses one holding NUL bytes (an image, a spreadsheet, UTF-16) with 422. A schema
  can only say "bytes", so a generated file with NUL bytes has them dropped and is given as
  text; every other file (non-UTF-8 bytes included) is sent as generated.

The examples phase of schemathesis 4.32.5 can pair `POST /campaigns`'s JSON example (a
`contacts` array) with the operation's other media type, sending it as a form, which the
server rightly refuses (a form has `contactsCsv`, no `contacts`) and schemathesis reports as a
valid request rejected. Such a case is sent as the JSON it was written for; every generated
form still goes as a form.

One fix to schemathesis itself (4.32.5, the pinned version; checked at import): when a form
field of a negative case is sent as text the schema allows (`null` for a string goes out as
the text `null`, which is all a multipart form can say), the check that such data is
rejected lets it pass if the form "as the server reads the fields actually sent" is valid.
That test hands the generated values of file parts to the JSON Schema validator, which
cannot read bytes and raises, so for any form with a file the answer is "cannot tell" and
the server is blamed for accepting valid text. `_form_body_is_valid_as_sent` below gives it
the file parts as text (any text is a valid `format: binary` string); nothing else changes
and no failure is filtered.

Only requests schemathesis means to be valid (positive mode) are touched, and a body is only
replaced when something in it changes. schemathesis revalidates a body a hook replaced and
counts one holding bytes as invalid (it cannot validate bytes against a schema), which would
turn a valid request into a "negative" one that the server is then blamed for accepting. So a
body is never reassigned needlessly, and a file a hook writes is given as text: it still goes
out as the same file part (with a filename), and the changed body can be judged.
"""

import datetime
import hashlib
import json
import pathlib

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st
from schemathesis.specs.openapi import checks as _checks
from schemathesis.transport.serialization import Binary, contains_binary

# Area codes and exchanges in service (NANP: no leading 0/1, no N11), 555-01xx excluded.
_area = st.sampled_from(["212", "312", "415", "512", "617", "713", "801", "919"])
_exchange = st.integers(min_value=234, max_value=899).filter(lambda n: n % 100 != 11)
_line = st.integers(min_value=0, max_value=9999)


@st.composite
def _phone(draw):
    area, exchange, line = draw(_area), draw(_exchange), draw(_line)
    style = draw(st.sampled_from(["e164", "national", "spaced"]))
    if style == "e164":
        return f"+1{area}{exchange}{line:04d}"
    if style == "national":
        return f"({area}) {exchange}-{line:04d}"
    return f"+1 {area} {exchange} {line:04d}"


schemathesis.openapi.format("phone", _phone())


_DATE_TIME = jsonschema_rs.validator_for({"type": "string", "format": "date-time"}, validate_formats=True)
_DAYS = jsonschema_rs.validator_for({"type": "integer", "minimum": 1, "maximum": 3650})


def _future(value: str) -> str:
    """A date-time later than now, picked from the generated one (stable for a given value)."""
    offset = int.from_bytes(hashlib.sha256(value.encode()).digest()[:4], "big") % (3650 * 86400)
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1, seconds=offset)
    return at.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _parse(value: str) -> datetime.datetime | None:
    try:
        at = datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else None


def _rows(seed: bytes) -> list[dict[str, str]]:
    """One to four contact rows with valid, distinct numbers, derived from `seed`."""
    digest = hashlib.sha256(seed).digest()
    areas = ["212", "312", "415", "512", "617", "713", "801", "919"]
    rows = []
    for i in range(1 + digest[0] % 4):
        area = areas[digest[1 + i] % len(areas)]
        exchange = 234 + (digest[5 + i] * 7 + i) % 600
        if exchange % 100 == 11:
            exchange += 1
        line = int.from_bytes(digest[9 + 2 * i : 11 + 2 * i], "big") % 10000
        rows.append({"name": f"Person {i}", "business_name": f"Business {i}", "phone": f"+1 {area} {exchange} {line:04d}"})
    return rows


def _csv(rows: list[dict[str, str]]) -> str:
    return "name,business_name,phone\r\n" + "".join(f"{r['name']},{r['business_name']},{r['phone']}\r\n" for r in rows)


_SCHEDULE = {
    "timezone": ["UTC", "America/Chicago", "America/New_York", "Europe/Paris", ""],
    "callingHours": ["09:00-20:00", "22:00-06:00", "08:30:00-17:45", "any", ""],
    "callingDays": ["mon-fri", "all", "sat,sun", "Mon, wed ,FRI", "fri-mon"],
}


def _pick(choices: list[str], value: str) -> str:
    return choices[hashlib.sha256(value.encode()).digest()[0] % len(choices)]


def _draft(prop: dict) -> dict:
    """A property in JSON Schema's own terms: OpenAPI 3.0 writes an exclusive bound as
    `minimum` plus `exclusiveMinimum: true` (and the same for the maximum)."""
    prop = dict(prop)
    for bound in ("minimum", "maximum"):
        flag = "exclusive" + bound.capitalize()
        if isinstance(prop.get(flag), bool):
            if prop.pop(flag) and bound in prop:
                prop[flag] = prop.pop(bound)
    return prop


_SPEC = json.loads(pathlib.Path(__file__).resolve().parent.parent.joinpath("openapi", "openapi.json").read_text())
# `POST /campaigns`'s bodies, by media type.
_CREATE_CAMPAIGN = _SPEC["paths"]["/campaigns"]["post"]["requestBody"]["content"]


def _field_validators() -> dict[str, jsonschema_rs.Validator]:
    """Validators of `POST /campaigns`'s fields, from the spec (both content types)."""
    components = _SPEC["components"]
    content = _CREATE_CAMPAIGN
    validators = {}
    for media in content.values():
        schema = media["schema"]
        if "$ref" in schema:
            schema = components["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        for name, prop in schema.get("properties", {}).items():
            if prop.get("format") == "binary":
                continue
            validators.setdefault(name, []).append(
                jsonschema_rs.validator_for({**_draft(prop), "components": components}, validate_formats=True)
            )
    return validators


_FIELDS = _field_validators()


def _valid(field: str, value) -> bool:
    """Whether `value` is a schema-valid value of `field` (replacing it then keeps a request's validity)."""
    return any(v.is_valid(value) for v in _FIELDS.get(field, []))


def _schedule(body: dict) -> None:
    for field, choices in _SCHEDULE.items():
        if isinstance(body.get(field), str) and _valid(field, body[field]):
            body[field] = _pick(choices, body[field])
    days, hours = body.get("callingDays"), body.get("callingHours", "")
    if isinstance(days, str) and days.strip() and isinstance(hours, str) and hours.strip().lower() in ("", "any"):
        body["callingHours"] = "09:00-20:00"


def _start_at(body: dict) -> None:
    at = body.get("startAt")
    if isinstance(at, str) and _DATE_TIME.is_valid(at):
        offset = int.from_bytes(hashlib.sha256(at.encode()).digest()[:4], "big") % (300 * 86400)
        moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1, seconds=offset)
        body["startAt"] = moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _edit(body: dict) -> None:
    _schedule(body)
    _start_at(body)


def _contacts(body: dict) -> None:
    _schedule(body)
    _start_at(body)
    if isinstance(body.get("contactsCsv"), (bytes, str)):
        raw = body["contactsCsv"]
        seed = raw.data if isinstance(raw, Binary) else raw if isinstance(raw, bytes) else raw.encode()
        # Text, not bytes: see the module's last paragraph.
        body["contactsCsv"] = _csv(_rows(seed))
    elif "contacts" in body:
        contacts = body["contacts"]
        if not _valid("contacts", contacts):
            return
        if isinstance(contacts, str):
            body["contacts"] = _csv(_rows(contacts.encode()))
        elif isinstance(contacts, list) and all(
            isinstance(row, dict) and all(isinstance(v, str) for v in row.values()) for row in contacts
        ):
            body["contacts"] = _rows(repr(contacts).encode())


def _text_file(body: dict) -> None:
    raw = body.get("file")
    data = raw.data if isinstance(raw, Binary) else raw if isinstance(raw, bytes) else None
    if data is not None and b"\0" in data:
        body["file"] = data.replace(b"\0", b"").decode("utf-8", errors="replace")


def _tokens(body: dict) -> None:
    at = body.get("expiresAt")
    if not (isinstance(at, str) and _DATE_TIME.is_valid(at)):
        return
    if "expiresInDays" in body and _DAYS.is_valid(body["expiresInDays"]):
        del body["expiresInDays"]
    parsed = _parse(at)
    if parsed is None or parsed <= datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5):
        body["expiresAt"] = _future(at)


_JSON = next(media for media in _CREATE_CAMPAIGN if media.startswith("application/json"))

_RULES = {
    ("POST", "/campaigns"): _contacts,
    ("POST", "/suppression/import"): _text_file,
    ("POST", "/users/{id}/tokens"): _tokens,
    # An edit's schedule fields and start have the creation's rules.
    ("PATCH", "/campaigns/{id}"): _edit,
}


@schemathesis.hook
def before_call(context, case, kwargs):
    # Only requests meant to be valid: a request meant to be invalid keeps what makes it so
    # (in a multipart form a wrongly typed value is already text by now, so it cannot be told).
    rule = _RULES.get((case.method.upper(), case.path))
    if rule is None or not isinstance(case.body, dict):
        return
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if (
        (case.method.upper(), case.path) == ("POST", "/campaigns")
        and (case.media_type or "").startswith("multipart/")
        and "contacts" in case.body
        and "contactsCsv" not in case.body
    ):
        # The JSON body's example (its `contacts` field exists only there) paired with the
        # form's media type: sent as the JSON it is (see the module's docstring).
        case.media_type = _JSON
    # Change a copy: schemathesis derives other cases (negative ones too) from this body. And
    # assign it only when something changed (see the module's docstring).
    # (By identity: a generated file is a `Binary`, which compares equal to any other.)
    original = case.body
    body = dict(original)
    rule(body)
    if body.keys() != original.keys() or any(body[key] is not original[key] for key in body):
        case.body = body


# The fix described in the module's docstring, for the pinned version only: a newer one may
# have fixed it (or changed the function), so an upgrade must look again.
assert schemathesis.__version__ == "4.32.5", "check _form_body_is_valid_as_sent for this version"
_form_body_is_valid_as_sent_original = _checks._form_body_is_valid_as_sent


class _FilesAsText:
    """A case whose form body has its file parts as text; every other attribute is the case's."""

    def __init__(self, case):
        self._case = case
        self.body = {
            name: (value.data if isinstance(value, Binary) else value).decode("utf-8", errors="replace")
            if isinstance(value, (Binary, bytes))
            else value
            for name, value in case.body.items()
        }

    def __getattr__(self, name):
        return getattr(self._case, name)


def _form_body_is_valid_as_sent(response, case, media_type):
    if isinstance(case.body, dict) and contains_binary(case.body):
        case = _FilesAsText(case)
    return _form_body_is_valid_as_sent_original(response, case, media_type)


_checks._form_body_is_valid_as_sent = _form_body_is_valid_as_sent
