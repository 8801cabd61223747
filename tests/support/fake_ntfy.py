"""A fake ntfy server on 127.0.0.1: apprise's ntfy plugin (`ntfy://127.0.0.1:PORT/topic`, plain HTTP)
posts each message to it as ntfy's JSON publish call, and the test reads what arrived."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.fake_http import FakeRequest, FakeResponse, FakeServer


def _published(request: FakeRequest) -> FakeResponse:
    # ntfy answers a publish with the stored message: {"id": …, "event": "message", "topic": …, …}
    message = request.json()
    return FakeResponse.json({"id": f"m{len(request.body)}", "time": 0, "event": "message", **message})


@contextmanager
def fake_ntfy(*, status: int = 200) -> Iterator[FakeServer]:
    """`server.ntfy_url` is the apprise URL of topic `runbase`; a `status` other than 200 refuses all."""
    with FakeServer() as server:
        if status == 200:
            server.route("POST", "/", _published)
        else:
            server.route("POST", "/", FakeResponse.json({"code": status, "error": "refused"}, status=status))
        server.ntfy_url = "ntfy://" + server.url.removeprefix("http://") + "/runbase"  # type: ignore[attr-defined]
        yield server


def messages(server: FakeServer) -> list[dict]:
    """What the channel received: one {"topic", "title", "message"} per notification."""
    return [request.json() for request in server.requests if request.method == "POST"]
