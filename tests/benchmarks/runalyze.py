"""Runalyze sync benchmark: requests and wall time of a sync against a local fake Personal API.

    python -m tests.benchmarks.runalyze [--activities 4000] [--page-size 100]

Serves N generated activities from a local fake Personal API on 127.0.0.1 and runs `runalyze_sync`
three times — backfill, unchanged re-run, one new activity — in a throwaway database
(`support.throwaway_database`): the runner's data is never touched. Prints the figures; it asserts
nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ingest.runalyze.sync import runalyze_sync
from tests.benchmarks.support import say, throwaway_database

TOKEN = "bench-token"


def _activity(number: int) -> dict:
    start = dt.datetime(2015, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))) + dt.timedelta(
        hours=19 * number
    )
    return {
        "id": 500_000_000 + number,
        "sport": {"id": 1, "name": "Running"},
        "type": {"id": 2, "name": "Race" if number % 50 == 0 else "Jogging"},
        "date_time": start.isoformat(),
        "timezone_offset": 60,
        "title": f"Bench run {number}",
        "note": None,
        "is_track": False,
        "distance": 8.0 + number % 7,
        "duration": 2700 + number % 900,
        "elapsed_time": 2800 + number % 900,
        "elevation_up": 40,
        "elevation_down": 41,
        "hr_avg": 140 + number % 20,
        "hr_max": 170,
        "vo2max": 48.0,
        "vo2max_by_time": 45.5,
        "vo2max_with_elevation": 48.3,
        "fit_training_effect": 3.0,
        "fit_anaerobic_training_effect": 1.5,
        "trimp": 60 + number % 90,
        "cadence": 86,
        "equipment": [{"id": 1, "name": "Bench Shoe", "notes": ""}],
    }


class _Api:
    """The few Personal API routes a sync reads; counts requests."""

    def __init__(self, items: list[dict], page_size: int) -> None:
        self.items, self.page_size, self.requests = items, page_size, 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.requests += 1
                parts = urlsplit(self.path)
                self._send(
                    api.answer(parts.path, parse_qs(parts.query)) if self.headers["token"] == TOKEN else []
                )

            def _send(self, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, query: dict) -> object:
        if path == "/api/v1/activity":
            page = int(query.get("page", ["1"])[0])
            newest = sorted(self.items, key=lambda item: item["id"], reverse=True)
            return newest[(page - 1) * self.page_size : page * self.page_size]
        if path.endswith("heartRateMax"):
            return [{"id": 1, "date_time": "2014-01-01T00:00:00Z", "heart_rate": 190}]
        if path.endswith("heartRateRest"):
            return [{"id": 2, "date_time": "2014-01-01T00:00:00Z", "heart_rate": 48}]
        return {
            "effectiveVO2max": 47.0,
            "fitness": 50,
            "fatigue": 60,
            "performance": -10,
            "marathonShape": 0.8,
        }


def runalyze_bench(*, activities: int, page_size: int, log) -> None:
    """Backfill, unchanged re-run and one new activity, each timed and counted, in a throwaway database."""
    api = _Api([_activity(n) for n in range(activities)], page_size)
    log(f"{activities} activities, {page_size} per page")
    try:
        with (
            tempfile.TemporaryDirectory(prefix="runbase-bench-runalyze-") as tmp,
            throwaway_database(Path(tmp), RUNALYZE_BASE_URL=api.url, RUNALYZE_TOKEN=TOKEN),
        ):
            _run("backfill", api, activities, log)
            _run("re-run (unchanged)", api, 0, log)
            api.items.append(_activity(activities))
            _run("one new activity", api, 1, log)
    finally:
        api.server.shutdown()
        api.server.server_close()


def _run(label: str, api: _Api, activities: int, log) -> None:
    before = api.requests
    started = time.perf_counter()
    result = runalyze_sync()
    seconds = time.perf_counter() - started
    calls = api.requests - before
    rate = f" ({calls / activities:.3f} per activity)" if activities else ""
    log(f"{label}: {result.summary()} | {calls} requests{rate} | {seconds:.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.runalyze",
        description="Benchmark a Runalyze API sync against a local fake server, in a throwaway database.",
    )
    parser.add_argument("--activities", type=int, default=4000, help="Activities served (default 4000).")
    parser.add_argument("--page-size", type=int, default=100, help="Activities per page (default 100).")
    args = parser.parse_args(argv)
    runalyze_bench(activities=args.activities, page_size=args.page_size, log=say)


if __name__ == "__main__":
    main()
