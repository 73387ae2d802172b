"""`kpsim app`: a local web page (Starlette, server-rendered) for campaign owners: upload a
list, type the message, pick the date and settings, read the report's comparison.

It adds no pricing: it calls `simulator.api` and renders the typed result with the report's
templates; every request needs the run's random token (`simulator.app.guard`).
"""
