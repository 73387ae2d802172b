"""Human-facing renderings of a forecast summary: terminal tables, PNG charts, a self-contained HTML page."""
