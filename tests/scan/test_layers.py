"""Image layers mapped back to the Dockerfile instructions that made them (via bot.image.history)."""

from __future__ import annotations

from bot.parsing.dockerfile import parse_dockerfile
from bot.scan.layers import LayerOrigin, layer_origins

DOCKERFILE = """FROM python:3.12-slim AS base
WORKDIR /app
ENV PYTHONUNBUFFERED=1

FROM base
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl
COPY . .
CMD ["python", "app.py"]
"""

BUILDKIT_HISTORY = (
    ("/bin/sh -c #(nop) ADD file:abc in / ", False),  # the python image's own layers
    ('/bin/sh -c #(nop)  CMD ["bash"]', True),
    ("RUN /bin/sh -c pip install x # buildkit", False),
    ("WORKDIR /app", False),
    ("ENV PYTHONUNBUFFERED=1", True),
    ("RUN /bin/sh -c apt-get update  && apt-get install -y --no-install-recommends curl # buildkit", False),
    ("COPY . . # buildkit", False),
    ('CMD ["python", "app.py"]', True),
)


def test_each_layer_gets_the_instruction_that_made_it() -> None:
    dockerfile = parse_dockerfile("Dockerfile", DOCKERFILE)
    diff_ids = tuple(f"sha256:{n}" for n in range(5))
    origins = layer_origins(BUILDKIT_HISTORY, diff_ids, dockerfile, None)
    base = LayerOrigin("FROM", 1, 1, "FROM python:3.12-slim")
    assert origins == {
        "sha256:0": base,
        "sha256:1": base,
        "sha256:2": LayerOrigin("WORKDIR", 2, 2, "WORKDIR /app"),
        "sha256:3": LayerOrigin("RUN", 6, 7, "RUN apt-get update && apt-get install -y --no-install-recommends curl"),
        "sha256:4": LayerOrigin("COPY", 8, 8, "COPY . ."),
    }
