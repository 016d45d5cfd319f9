"""Search everything: one query over notes, articles, lessons, cards, questions and videos."""

from app.core.search.search import KIND_NAMES, KINDS, SearchHit, marked_html, plain, search_all

__all__ = ["KINDS", "KIND_NAMES", "SearchHit", "marked_html", "plain", "search_all"]
