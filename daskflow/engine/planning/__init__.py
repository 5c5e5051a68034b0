"""What a run will do: the execution plan, solid selection, the payload tasks share."""
