"""Matching a profile against the postings' extracted skills: ranking, explanations, gaps.

Never touches the database and never prints: the CLI hands it records and shows what it returns.
"""
