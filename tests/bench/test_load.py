"""How the load runner turns raw timings into the reported numbers."""

from bench.load import Tally, percentile, summarise


def test_percentiles_are_nearest_rank():
    values = [i / 1000 for i in range(1, 101)]  # 1 ms .. 100 ms

    assert percentile(values, 50) == 0.050
    assert percentile(values, 95) == 0.095
    assert percentile(values, 99) == 0.099
    assert percentile([], 95) == 0.0


def test_non_2xx_answers_and_failed_connections_both_count_as_errors_and_requests():
    answered = Tally(latencies=[0.010, 0.020, 0.030], errors={"404": 1})
    failing = Tally(latencies=[0.040], errors={"ConnectionResetError": 2})

    summary = summarise([answered, failing], elapsed=2.0)

    assert summary["requests"] == 6  # four answered, two connections failed
    assert summary["errors"] == 3
    assert summary["error_kinds"] == {"404": 1, "ConnectionResetError": 2}
    assert summary["requests_per_second"] == 3.0
    assert summary["latency_ms"]["p50"] == 20.0
    assert summary["latency_ms"]["max"] == 40.0
