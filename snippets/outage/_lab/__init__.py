"""Plumbing shared by snippets/outage/outage.py and matrix.py: the app server's network
(network.py) and the Django app the deploy migrates (shop/). Not a snippet itself."""
