"""The UI's route handlers, one module per area (pipelines, launchpad, runs, events,
assets, instance); ``daskflow.dashboards.app`` lists their routes."""
