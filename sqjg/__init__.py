"""sqjg: the campaign office's tool for community co-construction (社区共建)."""

__version__ = "0.1.0"
