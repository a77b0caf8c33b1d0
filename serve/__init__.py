"""Serving the atlas: one launcher for a ``streamlit run`` process (serve.launcher), used by the browser tests,
the benchmark and the load test, and the scale-out behind HAProxy (serve.balancer, ``make serve``)."""
