"""``python -m resolution`` is the ``tracegraph`` command."""

from resolution.cli import main

main()
