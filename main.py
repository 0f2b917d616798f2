"""Open the Reply Sandbox desktop app (same as ``sandbox`` with no command)."""

import sys

from sandbox.cli import main

if __name__ == "__main__":
    sys.exit(main(["app", *sys.argv[1:]]))
