"""Newsmark: annotate news articles with quotes, entities and disputed points."""

__version__ = "0.1.0"
APP_NAME = "Newsmark"
