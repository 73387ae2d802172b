"""Recipient lists: reading, normalisation to E.164, classification and carrier resolution."""
