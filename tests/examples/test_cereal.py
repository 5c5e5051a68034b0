"""The seed's cereal example: its definitions and business logic."""


def test_cereal_pipeline_shape(cereal_module):
    p = cereal_module.compute_top_quartile_pipeline
    assert p.graph.node_names == [
        "add_sugar_per_cup",
        "compute_cutoff",
        "filter_below_cutoff",
        "save_to_datalake",
    ]
    assert p.mode_names == ["test", "local"]
    assert p.get_mode("test").resource_defs["datalake"] is cereal_module.fake_datalake


def test_cereal_solids_compute_the_top_quartile(cereal_module, cereal_csv):
    """The business logic, called directly as in a unit test (no engine)."""
    import pandas as pd

    cereals = pd.read_csv(cereal_csv)
    with_per_cup = cereal_module.add_sugar_per_cup.compute_fn(_FakeContext(), cereals)
    cutoff = cereal_module.compute_cutoff(None, with_per_cup)
    top = cereal_module.filter_below_cutoff(None, with_per_cup, cutoff)
    assert len(top) == 19


class _FakeContext:
    solid_config = {"delay": 0.0}

    class log:  # noqa: N801
        @staticmethod
        def info(msg):
            pass
