"""``talksite present``: the deck served live, its demos run on stage against warm servers,
with the verified recording as the fallback, and audience pages that follow the presenter.

:mod:`~talksite.present.sources` reads the talk, :mod:`~talksite.present.catalog` finds the
slides' snippets, :mod:`~talksite.present.serve` warms their servers ahead (a
:class:`~talksite.postgres.Pool`), :mod:`~talksite.present.live` runs one through
:func:`~talksite.snippets.check` and :mod:`~talksite.present.runs` keeps one at a time,
:mod:`~talksite.present.state` tracks the slide and :mod:`talksite.presenting_log` writes it
down, :mod:`~talksite.present.guard` decides who may do what, :mod:`~talksite.present.page`
and :mod:`~talksite.present.app` serve it all on :mod:`~talksite.present.listeners`, and
:mod:`~talksite.present.command` is its command line. Nothing is imported here, so the
`talksite` command loads Starlette and uvicorn only to present.
"""
