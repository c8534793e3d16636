"""schemathesis hooks for the contract check: what the spec's custom formats mean.

`format: phone` is a phone number in any common format that is a valid number in its
country's numbering plan (the server checks it with libphonenumber). No pattern says that, so
schemathesis learns it here: valid US numbers, written the ways people write them.
"""

import schemathesis
from hypothesis import strategies as st

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
