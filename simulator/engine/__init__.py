"""Rules compiled to polars: per recipient and plan, the route, sender, charge class, parts and price."""
