"""Chapters for a recording of the talk, from what happened on stage: the presenting log that
``talksite present`` writes, turned into YouTube's chapter lines and a WebVTT chapters file.

:mod:`talksite.presenting_log` reads the log, :mod:`~talksite.chapters.make` applies
YouTube's rules and writes both forms (its names here are imported on first use:
:mod:`talksite.lazy_exports`).
"""

from talksite.lazy_exports import lazy_exports

__getattr__, __all__ = lazy_exports(
    __name__, {"make": ("Chapter", "chapters", "vtt_path", "webvtt", "youtube_text")}
)
