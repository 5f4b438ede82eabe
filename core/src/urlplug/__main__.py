"""``python -m urlplug``: the ``urlplug`` command."""

import sys

from .cli import main

sys.exit(main())
