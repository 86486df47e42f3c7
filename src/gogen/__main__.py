"""`python -m gogen`."""

from gogen.cli import main

main()
