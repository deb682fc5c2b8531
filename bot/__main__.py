"""`python -m bot` runs the dockhand command line."""

from bot.cli import run

run()
