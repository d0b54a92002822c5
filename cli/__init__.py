"""The command line: a thin click layer over the crawler, taxonomy and matcher."""
