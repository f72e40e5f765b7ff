"""qinqing (亲清): a platform for cordial and clean government–business relations."""

__version__ = "0.1.0"
