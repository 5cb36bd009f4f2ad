"""samen: run a national action plan against human trafficking."""

__version__ = "0.1.0"
