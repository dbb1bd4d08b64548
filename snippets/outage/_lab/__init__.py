"""What snippets/outage/outage.py and matrix.py run on. Not snippets themselves:

layers.py   the four layers, the one list both snippets read (it must match talk/talk.yml)
actors.py   the cron job and the migration as processes, and the "ready"/"go" of their pipes
watch.py    the scenario's clock: the deploy's steps, the timeline it prints, the outcome
observe.py  one look at the primary and the web, classified into the timeline's events
primary.py  what the scenario asks the servers: the lock queue, the replica, the new column
web.py      the web workers, each request timed on the scenario's clock
network.py  the app server: a network namespace, and a cable that can be cut silently
shop/       the Django app the deploy migrates
"""
