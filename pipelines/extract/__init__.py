"""Extraction: from a page's decoded HTML to an article (site rules from
``sites/``, trafilatura, the Japanese chrome layer). No Scrapy.
"""
