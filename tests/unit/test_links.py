import datetime as dt

import pytest
from chalicelib.core.errors import Unauthorized
from chalicelib.links import tokens as links

KEY = "test-key"
NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(days=2)


def test_a_token_round_trips() -> None:
    token = links.issue("c1", "booking", 3, LATER, "b1", key=KEY)
    claims = links.verify(token, ("booking",), NOW, key=KEY)
    assert (claims.customer_id, claims.booking_id, claims.generation) == ("c1", "b1", 3)


def test_altered_expired_wrong_purpose_and_wrong_key_are_refused() -> None:
    token = links.issue("c1", "data", 1, LATER, key=KEY)
    with pytest.raises(Unauthorized):
        links.verify(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], ("data",), NOW, key=KEY)
    with pytest.raises(Unauthorized):
        links.verify(token, ("data",), LATER + dt.timedelta(seconds=1), key=KEY)
    with pytest.raises(Unauthorized):
        links.verify(token, ("booking",), NOW, key=KEY)
    with pytest.raises(Unauthorized):
        links.verify(token, ("data",), NOW, key="another-key")
