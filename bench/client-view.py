#!/usr/bin/env python3
"""Full-screen client under load, one toolkit after the other in one run (a benchmark, not a test).

    bench/client-view.py [--ui gui] [--rate 2000] [--seconds 10] [--scrollback 10000] [--samples-every 0.05] [--threads]

For each toolkit: a `termchat serve --ephemeral` on 127.0.0.1 (history in memory, as before durable history), the
client (`termchat join --room #bench`) in a tmux pane at 80x24, 10,000 lines sent into #bench first (scrollback), then `termchat bench fanout` offers --rate messages/s
for --seconds while this script types into the client's input line and times each keystroke until tmux shows it
(key echo latency: one character typed, then erased, each timed from send-keys to the capture that shows it).
Client CPU seconds over the loaded window come from /proc/PID/stat (utime+stime), peak RSS from VmHWM;
--threads also prints them per thread name (live threads).
Prints a markdown table. (Issue 11 ran it with --ui legacy,gui while the old toolkit still existed, selected by a
TERMCHAT_UI=legacy switch that left with it; docs/BENCHMARKS.md says how to measure it again from that commit.)
"""
import argparse, os, re, statistics, subprocess, sys, time

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dll = os.path.join(here, "src/TermChat.Cli/bin/Release/net10.0/termchat.dll")
tick = os.sysconf("SC_CLK_TCK")


def tmux(sock, *args):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], capture_output=True, text=True).stdout


def last_row(sock):
    return tmux(sock, "capture-pane", "-p", "-S", "23", "-E", "23", "-t", "c").rstrip("\n").rstrip()


def screen(sock):
    return tmux(sock, "capture-pane", "-p", "-t", "c")


def wait(what, cond, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick


def peak_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def thread_cpu(pid):
    """CPU seconds per thread name (threads of one name summed), for live threads."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def fanout(port, rate, seconds):
    return subprocess.Popen(["dotnet", dll, "bench", "fanout", "--port", str(port), "-n", "1", "-P", "1", "-r", str(rate),
                             "-d", str(seconds), "--warmup", "0", "--drain", "1", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(ui, args, port):
    sock = f"tcbench{os.getpid()}"
    server = subprocess.Popen(["dotnet", dll, "serve", "--port", str(port), "--flood-rate", "0", "--no-discovery", "--ephemeral"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        tmux(sock, "new-session", "-d", "-s", "c", "-x", "80", "-y", "24", "-e", "TERM=xterm-256color", "-e", "LANG=C.UTF-8", "-e", f"TERMCHAT_UI={ui}",
             "bash", "--noprofile", "--norc", "-c",
             f"dotnet {dll} join 127.0.0.1:{port} --nick viewer --room '#bench' --scrollback {args.scrollback}; sleep 600")
        wait("the client's status line", lambda: "#bench │ connected" in screen(sock))
        shell = int(tmux(sock, "display-message", "-p", "-t", "c", "#{pane_pid}").strip())
        client = int(open(f"/proc/{shell}/task/{shell}/children").read().split()[0])
        # Scrollback first: 10,000 lines as fast as the server takes them, then wait until the client is idle.
        fanout(port, 10_000, args.scrollback / 10_000).wait()
        time.sleep(3)
        prompt = last_row(sock)
        cpu0 = cpu_seconds(client)
        threads0 = thread_cpu(client)
        load = fanout(port, args.rate, args.seconds)
        samples = []
        start = time.monotonic()
        while time.monotonic() - start < args.seconds:
            for key, expected in (("x", prompt + " x" if not prompt.endswith(" ") else prompt + "x"), ("BSpace", prompt)):
                t0 = time.monotonic()
                if key == "x":
                    tmux(sock, "send-keys", "-t", "c", "-l", "x")
                else:
                    tmux(sock, "send-keys", "-t", "c", "BSpace")
                want = (prompt.rstrip() + " x") if key == "x" else prompt.rstrip()
                deadline = t0 + 5
                while time.monotonic() < deadline and last_row(sock) != want:
                    time.sleep(0.002)
                samples.append((time.monotonic() - t0) * 1000)
                time.sleep(args.samples_every)
        load.wait()
        cpu = cpu_seconds(client) - cpu0
        threads1 = thread_cpu(client)
        by_thread = sorted(((n, t - threads0.get(n, 0)) for n, t in threads1.items()), key=lambda x: -x[1])
        rss = peak_rss_mb(client)
        samples.sort()
        p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
        return dict(ui=ui, n=len(samples), p50=p(0.50), p99=p(0.99), max=samples[-1], cpu=cpu, rss=rss, threads=by_thread)
    finally:
        tmux(sock, "kill-server")
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ui", default="gui")
    ap.add_argument("--rate", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--scrollback", type=int, default=10_000)
    ap.add_argument("--samples-every", type=float, default=0.05)
    ap.add_argument("--threads", action="store_true", help="also print CPU seconds per thread name")
    ap.add_argument("--port", type=int, default=7795)
    args = ap.parse_args()
    rows = [run(ui, args, args.port) for ui in args.ui.split(",")]
    print(f"| toolkit | key echo p50 | key echo p99 | max | samples | client CPU s ({args.seconds:g} s at {args.rate}/s) | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['ui']} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['max']:.1f} ms | {r['n']} | {r['cpu']:.2f} | {r['rss']:.0f} MB |")
    for r in rows:
        if args.threads:
            print(f"{r['ui']}, CPU s by thread name (live threads): " + ", ".join(f"{n} {t:.2f}" for n, t in r['threads'] if t >= 0.01))


if __name__ == "__main__":
    main()
