import sys

from frontdoor_app.cli import main

sys.exit(main())
