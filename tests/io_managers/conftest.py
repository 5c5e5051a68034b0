"""Helpers of the IO manager tests (the S3 fixtures ``s3_server``, ``s3_storage_options``
and ``s3_bucket`` live in tests/conftest.py: the engine tests use them too)."""


def out_ctx(solid="producer", output="result", run_id="run-1"):
    """An OutputContext for a producer solid of pipeline "pipe"."""
    from daskflow.io_managers import OutputContext

    return OutputContext(run_id, "pipe", solid, output, solid)
