"""kg: a knowledge-graph builder and explorer for machine-learning papers."""

__version__ = "0.1.0"
