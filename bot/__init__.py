"""dockhand: a pull request reviewer for Dockerfiles, compose files and dependencies."""

__version__ = "0.1.0"
