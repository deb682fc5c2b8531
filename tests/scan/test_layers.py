"""Image layers mapped back to the Dockerfile instructions that made them."""

from __future__ import annotations

from bot.parsing.dockerfile import parse_dockerfile
from bot.scan.layers import LayerOrigin, history_keyword, layer_origins

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


def test_buildkit_history_maps_each_layer_to_its_instruction() -> None:
    dockerfile = parse_dockerfile("Dockerfile", DOCKERFILE)
    diff_ids = tuple(f"sha256:{n}" for n in range(5))
    origins = layer_origins(BUILDKIT_HISTORY, diff_ids, dockerfile, None)
    base = LayerOrigin("FROM", 1, 1, "python:3.12-slim")
    assert origins == {
        "sha256:0": base,
        "sha256:1": base,
        "sha256:2": LayerOrigin("WORKDIR", 2, 2, "WORKDIR /app"),
        "sha256:3": LayerOrigin("RUN", 6, 7, "RUN apt-get update && apt-get install -y --no-install-recommends curl"),
        "sha256:4": LayerOrigin("COPY", 8, 8, "COPY . ."),
    }


def test_classic_builder_history() -> None:
    dockerfile = parse_dockerfile("Dockerfile", "FROM debian:12\nRUN echo hi > /x\nCOPY a /a\n")
    history = (("", False), ("/bin/sh -c echo hi > /x", False), ("/bin/sh -c #(nop) COPY file:123 in /a ", False))
    origins = layer_origins(history, ("sha256:a", "sha256:b", "sha256:c"), dockerfile, None)
    assert [origins[d].keyword for d in ("sha256:a", "sha256:b", "sha256:c")] == ["FROM", "RUN", "COPY"]


def test_history_that_does_not_match_the_layers_leaves_everything_to_from() -> None:
    dockerfile = parse_dockerfile("Dockerfile", "FROM debian:12\nRUN echo hi\n")
    origins = layer_origins((("RUN /bin/sh -c echo hi # buildkit", False),), ("sha256:a", "sha256:b"), dockerfile, None)
    assert {o.keyword for o in origins.values()} == {"FROM"}


def test_history_keywords() -> None:
    assert history_keyword("/bin/sh -c #(nop)  ENV A=1") == "ENV"
    assert history_keyword("COPY --from=build /out /app # buildkit") == "COPY"
    assert history_keyword("/bin/sh -c apk add curl") == "RUN"
