"""talksite: a conference talk as a static site and a slide deck with verified snippets.

The data flows through one package per stage: :mod:`talksite.talk` (talk.yml to a typed
talk), :mod:`talksite.snippets` (snippets to checked outputs, on :mod:`talksite.postgres`'s
real servers), :mod:`talksite.deck` (slides to deck), :mod:`talksite.diagrams` (recorded
outputs to pictures) and :mod:`talksite.site` (all of it to a MkDocs site). Every error is a
:class:`talksite.errors.TalksiteError`.

Importing talksite first chooses the MkDocs-compatible engine (:mod:`talksite.engine`), before
anything imports ``mkdocs``.
"""

from talksite import engine as _engine

__version__ = "0.1.0"

_engine.activate()
