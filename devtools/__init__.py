"""Development-only tooling shared by the tests, the benchmarks and scripts/screenshot.py: driving the app in
Chromium (devtools.browser) and through Streamlit's websocket protocol (devtools.visitor). The app never imports
it; serve.launcher stays the one way to start a server."""
