"""python -m geo.validate data/ [--articles DIR]"""

import sys

from geo.validate.checks import main

sys.exit(main())
