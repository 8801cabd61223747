import requests

from tests.support.fake_http import FakeResponse, FakeServer


def test_the_fake_server_answers_routes_and_records_requests():
    with FakeServer() as server:
        server.route("GET", r"/api/v1/activity", FakeResponse.json([{"id": 1}]))
        server.route("POST", r"/echo/(\d+)", lambda r: FakeResponse.json({"n": r.match.group(1)}))
        assert requests.get(f"{server.url}/api/v1/activity", params={"page": 2}).json() == [{"id": 1}]
        assert requests.post(f"{server.url}/echo/7", data=b"x").json() == {"n": "7"}
        assert requests.get(f"{server.url}/missing").status_code == 404
    assert server.requests[0].query == {"page": ["2"]}
    assert server.requests[1].body == b"x"
