import datetime as dt

from activities.streams import SCALES, stream_decode, stream_encode

T0 = dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.UTC)


def _hour_of_running() -> dict:
    n = 3600
    times = [T0 + dt.timedelta(seconds=i) for i in range(n)]
    lat = [round((47.0 + i * 2.5e-5) * SCALES["lat"]) / SCALES["lat"] for i in range(n)]
    lon = [round((8.0 + i * 1.5e-5) * SCALES["lon"]) / SCALES["lon"] for i in range(n)]
    altitude = [400 + (i % 300) / 5 for i in range(n)]
    heart_rate = [140 + (i // 60) % 20 for i in range(n)]
    cadence = [2 * (86 + (i % 7) / 128) for i in range(n)]
    speed = [3.2 + ((i * 37) % 200) / 1000 for i in range(n)]
    distance, total = [], 0.0
    for s in speed:
        total += s
        distance.append(round(total, 2))
    return dict(
        times=times,
        columns=dict(
            lat=lat,
            lon=lon,
            altitude=altitude,
            heart_rate=heart_rate,
            cadence=cadence,
            speed=speed,
            distance=distance,
        ),
    )


def test_it_round_trips_an_hour_within_source_resolution_and_40kb():
    hour = _hour_of_running()
    encoded = stream_encode(start_time=T0, times=hour["times"], columns=hour["columns"])
    assert encoded.sample_count == 3600
    assert len(encoded.data) < 40_000
    decoded = stream_decode(encoded.data)
    assert decoded["time"][:3] == [0.0, 1.0, 2.0]
    for name, values in hour["columns"].items():
        step = 1 / SCALES[name]
        worst = max(abs(a - b) for a, b in zip(decoded[name], values, strict=True))
        assert worst <= step / 2 + 1e-9, name
    assert "power" not in decoded


def test_it_keeps_gaps_as_none():
    times = [T0 + dt.timedelta(seconds=i) for i in range(5)]
    hr = [120, None, None, 125, 126]
    decoded = stream_decode(stream_encode(start_time=T0, times=times, columns={"heart_rate": hr}).data)
    assert decoded["heart_rate"] == hr


def test_it_encodes_sub_second_times_and_empty_streams():
    times = [T0, T0 + dt.timedelta(seconds=0.5), T0 + dt.timedelta(seconds=1.25)]
    decoded = stream_decode(stream_encode(start_time=T0, times=times, columns={}).data)
    assert decoded["time"] == [0.0, 0.5, 1.25]
    empty = stream_decode(stream_encode(start_time=T0, times=[], columns={}).data)
    assert empty == {}
