"""gogen: generates production-grade Go microservices from a versioned Copier template."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gogen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
