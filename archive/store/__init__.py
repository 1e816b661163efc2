"""What an output root keeps besides its WARC files: the crawl state, the
article files (text, sidecars, articles.jsonl rows), the corpus index and
the locks. Above extraction, below the crawler.
"""
