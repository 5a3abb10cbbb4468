"""The front door daily domestic abuse meeting application."""

__version__ = "0.1.0"
