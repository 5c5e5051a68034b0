import pytest

from daskflow import (
    AssetKey,
    AssetMaterialization,
    EventMetadataEntry,
    ExpectationResult,
    Failure,
    Output,
    RetryPolicy,
    RetryRequested,
)


def test_metadata_entries_of_every_kind_round_trip():
    entries = [
        EventMetadataEntry.text("saved", label="status"),
        EventMetadataEntry.int(3, label="n"),
        EventMetadataEntry.float(1.5, label="x"),
        EventMetadataEntry.json({"a": [1, 2]}, label="j"),
        EventMetadataEntry.path("/tmp/a", label="p"),
        EventMetadataEntry.url("http://127.0.0.1", label="u"),
        EventMetadataEntry.md("# hi", label="m"),
    ]
    assert [e.kind for e in entries] == ["text", "int", "float", "json", "path", "url", "md"]
    for entry in entries:
        assert EventMetadataEntry.from_dict(entry.to_dict()) == entry


def test_json_metadata_that_cannot_be_serialised_fails_early():
    with pytest.raises(TypeError):
        EventMetadataEntry.json({"a": object()}, label="bad")


def test_asset_keys_from_strings_and_lists_are_equal():
    assert AssetKey("local_datalake.cereals") == AssetKey(["local_datalake", "cereals"])
    mat = AssetMaterialization(
        "local_datalake.cereals", metadata_entries=[EventMetadataEntry.text("saved", "status")]
    )
    assert mat.asset_key.to_string() == "local_datalake.cereals"
    with pytest.raises(ValueError):
        AssetKey("")


def test_metadata_entries_must_be_entries():
    with pytest.raises(TypeError, match="EventMetadataEntry"):
        Output(1, metadata_entries=["not an entry"])
    with pytest.raises(TypeError):
        ExpectationResult(True, metadata_entries=[1])


def test_failure_and_retry_requested_carry_their_data():
    failure = Failure("bad rows", [EventMetadataEntry.int(3, "rows")])
    assert failure.description == "bad rows" and failure.metadata_entries[0].value == 3
    retry = RetryRequested(max_retries=2, seconds_to_wait=0.5)
    assert (retry.max_retries, retry.seconds_to_wait) == (2, 0.5)
    with pytest.raises(ValueError):
        RetryRequested(max_retries=-1)


def test_retry_policy_backoff():
    policy = RetryPolicy(max_retries=3, delay=1.0, backoff=2.0)
    assert [policy.delay_for_attempt(i) for i in (1, 2, 3)] == [1.0, 2.0, 4.0]
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(backoff=0.5)
