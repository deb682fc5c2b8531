"""Renderers: Review -> markdown (the PR comment), JSON, SARIF, HTML. Pure and deterministic."""
