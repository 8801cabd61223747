"""Values that differ never read the same on a page that asks the runner to choose between them."""

from activities.distinct_labels import distinct_labels
from activities.formatting import units_in_force


def test_two_distances_that_read_the_same_get_another_decimal():
    with units_in_force("metric"):
        assert distinct_labels("distance_m", [10700.0, 10702.3, 10700.0]) == [
            "10.700 km",
            "10.702 km",
            "10.700 km",
        ]
        assert distinct_labels("distance_m", [10700.0, 10800.0]) == ["10.70 km", "10.80 km"]
    with units_in_force("imperial"):
        # 10,700 m = 6.6486 mi, 10,702 m = 6.6499 mi: 6.65 mi both at two decimals
        assert distinct_labels("distance_m", [10700.0, 10702.0]) == ["6.649 mi", "6.650 mi"]


def test_two_times_a_fraction_of_a_second_apart_show_the_tenths():
    assert distinct_labels("duration_s", [1800.0, 1800.4]) == ["30:00.0", "30:00.4"]
    assert distinct_labels("duration_s", [1800.0, 1805.0]) == ["30:00", "30:05"]


def test_plain_numbers_of_one_group_share_one_precision():
    assert distinct_labels("avg_hr", [145.0, 146.0]) == ["145", "146"]
    assert distinct_labels("avg_hr", [145.5, 146.0]) == ["145.5", "146.0"]
    assert distinct_labels("avg_hr", [145.0, 145.04]) == ["145.00", "145.04"]
