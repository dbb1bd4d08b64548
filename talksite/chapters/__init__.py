"""Chapters for a recording of the talk, from what happened on stage: the presenting log that
``talksite present`` writes, turned into YouTube's chapter lines and a WebVTT chapters file.

:mod:`talksite.presenting_log` reads the log, :mod:`~talksite.chapters.make` applies
YouTube's rules and writes both forms.
"""

from talksite.chapters.make import Chapter, chapters, vtt_path, webvtt, youtube_text

__all__ = ["Chapter", "chapters", "vtt_path", "webvtt", "youtube_text"]
