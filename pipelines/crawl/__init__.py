"""Scrapy's item pipelines of the crawl: extraction in worker processes,
page requisites, text output.
"""
