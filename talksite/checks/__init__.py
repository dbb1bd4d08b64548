"""The checks every talk gets, on its built site: the strict build and content check, links,
social cards, speaker notes, slide fit at 1280x720, no request to another host, the deck by
keyboard, and axe-core in light and dark.

One list (:data:`CHECKS`, in :mod:`~talksite.checks.registry`) is run by ``talksite check``
(:mod:`~talksite.checks.command`) and by the pytest plugin (:mod:`~talksite.checks.collect`,
loaded with :mod:`talksite.testing`), which generates one test per check from the talk's
mkdocs.yml. :class:`Checking` builds the site once, serves it, and starts one Chromium for
the checks that need it. The names below are imported on first use
(:mod:`talksite.lazy_exports`); :func:`~talksite.checks.ran_on.ran_on` is imported from its
module, whose name it shares.
"""

from talksite.lazy_exports import lazy_exports

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "browser": ("BrowserUnavailable", "Chromium"),
        "registry": ("CHECKS", "Check", "Target"),
        "run": ("Checking", "Result"),
        "site": ("Build", "BuiltSite", "build", "build_once"),
    },
)
