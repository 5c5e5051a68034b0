"""Per-process run state: resources, event sinks, cancel flags."""
