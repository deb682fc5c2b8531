"""Image builds: build base and head, measure them, map layers to Dockerfile lines, compare."""
