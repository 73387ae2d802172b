"""The engine: rules and recipients in, priced rows and figures out, vectorised in polars.

- `tables.py`: the rules compiled to frames (every version; the rules in force on a day).
- `context.py`: the rule files a priced run needs, loaded once.
- `stream.py`: the one streaming executor (row batches, spill store, duplicates, collects).
- `rates.py`: per plan × carrier terms and cost of one message, and its porting expectation.
- `price.py`: the one file that prices recipients (per recipient × plan; grouped or templated).
- `uncertainty.py`: the porting joins and moments behind the expected cost and its 95% range.
"""
