"""Shared pieces of the web benchmarks: serve the app, create the bench event, speak the browser's protocol."""
