import sys

from sqlscribe.cli import main

sys.exit(main())
