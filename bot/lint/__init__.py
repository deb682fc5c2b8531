"""Linters for Docker files: Dockerfiles now; compose files and .dockerignore share the frame."""
