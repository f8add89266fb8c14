"""``python -m hpcs`` runs the command line."""

import sys

from hpcs.cli import main

sys.exit(main())
