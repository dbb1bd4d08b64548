"""Talk file to site: the MkDocs plugin, its options, the content checks and the page macros.

The plugin (:mod:`~talksite.site.plugin`) is registered as ``talksite`` in the
``mkdocs.plugins`` entry point group; :mod:`~talksite.site.build` builds a whole site
atomically for ``talksite build``.
"""
