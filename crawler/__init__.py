"""Getting postings in: the job-board spiders, file import, and the store they land in.

Scrapy is imported only by the spider, pipeline and runner modules, never here.
"""
