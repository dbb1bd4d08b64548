"""The outage's four layers, in the order it meets them: the one list outage.py and matrix.py
read (`--fix` choices, the matrix's columns and the order of its rows).

It must match the `layers:` slugs of talk/talk.yml, in the same order: each slug names a page,
and the Swiss cheese diagram reads the columns of matrix.out by these names. A test checks it.
"""

LAYERS = ("routing", "locking", "tcp", "termination")
