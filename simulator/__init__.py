"""kpsim: rules engine and cost simulator for Japanese A2P SMS sent through Xoxzo K-Premium."""

__version__ = "0.1.0"
