"""``python -m serve``: one Streamlit replica per core behind HAProxy, in the foreground until Ctrl-C (make serve).

    python -m serve [--replicas N] [--address 127.0.0.1] [--port 8501] [--replica-port 8511] [--data data/]

The balancer listens on ``--address:--port`` (127.0.0.1 by default; 0.0.0.0 to serve other machines); replica i
listens on 127.0.0.1:(replica-port + i). Logs and the generated haproxy.cfg go to --run-dir.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from pathlib import Path

from serve.balancer import Cluster
from serve.launcher import ROOT

MAX_RESTARTS = 20  # per replica and run of make serve: a replica that keeps crashing stays down


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1, help="default: one per core")
    parser.add_argument("--address", default=os.environ.get("ATLAS_ADDRESS", "127.0.0.1"),
                        help="the balancer's address (replicas always bind 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ATLAS_PORT", "8501")))
    parser.add_argument("--replica-port", type=int, default=8511, help="port of the first replica")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("ATLAS_DATA_DIR") or ROOT / "data"))
    parser.add_argument("--run-dir", type=Path, default=ROOT / "serve" / "run")
    parser.add_argument("--check-interval-ms", type=int, default=2000, help="HAProxy's health-check interval")
    args = parser.parse_args(argv)
    cluster = Cluster(args.replicas, args.data.resolve(), args.run_dir, address=args.address, port=args.port,
                      replica_ports=[args.replica_port + i for i in range(args.replicas)],
                      check_inter_ms=args.check_interval_ms)
    stop = []
    restarts = dict.fromkeys(cluster.replicas, 0)
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with cluster:
        print(f"serve: the atlas on http://{args.address}:{args.port}/ — {args.replicas} replica(s) on 127.0.0.1:"
              f"{', '.join(str(r.port) for r in cluster.replicas.values())}; config {cluster.config_path}; "
              "Ctrl-C stops", flush=True)
        try:
            while not stop:
                if cluster.proc.poll() is not None:
                    print("serve: haproxy exited", flush=True)
                    return 1
                for name, replica in cluster.replicas.items():
                    if not replica.running() and restarts[name] < MAX_RESTARTS:
                        restarts[name] += 1  # HAProxy takes it back once its health check passes
                        print(f"serve: replica {name} exited; restarting ({restarts[name]}/{MAX_RESTARTS})", flush=True)
                        replica.start()
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
