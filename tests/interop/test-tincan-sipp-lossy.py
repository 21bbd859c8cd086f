#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The -lost 20 half of test-tincan-sipp.py (its own meson test, so that
it runs in parallel with the rest).  TAP on stdout."""

import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.exit(subprocess.call([sys.executable, os.path.join(here, "test-tincan-sipp.py"), "--lossy"]))
