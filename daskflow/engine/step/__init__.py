"""A step as a task: run the solid, load and store its values, emit its events."""
