"""talksite: a conference talk as a static site and a slide deck with verified snippets."""

from talksite.config import Talk, TalkConfigError, load_talk, parse_talk

__all__ = ["Talk", "TalkConfigError", "load_talk", "parse_talk"]
