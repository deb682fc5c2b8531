"""`python -m bot` runs the dockhand command line."""

import sys

from bot.cli import main

sys.exit(main())
