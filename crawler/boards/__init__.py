"""Pure parsers, one module per board: a board's decoded response in, ``Posting`` objects out.

No Scrapy and no I/O here, so every parser is tested on fixture files alone.
"""
