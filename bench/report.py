"""Turns bench/.work/results.jsonl into the markdown tables docs/benchmarks.md quotes: machine, date,
ours and the peer's side by side with the ratios and the goals."""
import json, os, platform, subprocess, sys, time

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
java = sys.argv[2] if len(sys.argv) > 2 else "java"

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"

model = sh("lscpu | sed -n 's/^Model name: *//p' | head -1")
cores = os.cpu_count()
ram = sh("free -g | awk '/Mem:/ {print $2}'")
jdk = sh(f"'{java}' -version 2>&1 | head -2 | tail -1")
ort = sh(f"'{os.path.dirname(os.path.abspath(__file__))}/.venv/bin/python' -c 'import onnxruntime; print(onnxruntime.__version__)'")
print(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {model}, {cores} vCPU, {ram} GiB RAM, {platform.system()} "
      f"{platform.release()}; JDK: {jdk}; Python {platform.python_version()}, onnxruntime {ort} (Java: 1.23.2). "
      f"Load average at the end: {os.getloadavg()[0]:.1f}.\n")

def get(case, side, mode):
    """The median over rounds (p50 and p99 separately), with the p50 range and round count."""
    found = [r for r in rows if r.get("case") == case and r.get("side") == side and r.get("mode") == mode]
    if not found:
        return None
    med = lambda xs: sorted(xs)[len(xs) // 2]
    p50s = [r["p50us"] for r in found]
    return {"p50us": med(p50s), "p99us": med([r["p99us"] for r in found]), "min50": min(p50s), "max50": max(p50s), "rounds": len(found)}

goals = {"clf4x1": 3, "reg20x1": 3, "clf4x100": 5, "reg20x100": 5}
for mode, title in [("warm-fulljit", "as AWS deploys it: full JIT, warmed as SnapStart's priming does before the snapshot"),
                    ("warm-c1", "as the emulator deploys it: C1 only (Lambda's java21 default), no snapshot")]:
    print(f"Warm predict {title}; median of the rounds (p50 range over rounds in brackets), 10,000 requests per case and round:\n")
    print("| case | mlserve p50 / p99 (µs) | of which the inference call alone, p50 (µs) | Python peer p50 / p99 (µs) | peer ÷ mlserve (p50) | goal | met | p99 ≤ 2× p50 |")
    print("|---|---|---|---|---|---|---|---|")
    for case in ["clf4x1", "reg20x1", "clf4x100", "reg20x100"]:
        ours, peer = get(case, "mlserve", mode), get(case, "python", "warm")
        floor = get(case, "mlserve-inference", mode)
        if not ours or not peer:
            continue
        ratio = peer["p50us"] / ours["p50us"]
        print(f"| {case.replace('x', ' × ')} rows | {ours['p50us']} [{ours['min50']}–{ours['max50']}] / {ours['p99us']} | "
              f"{floor['p50us'] if floor else '-'} | "
              f"{peer['p50us']} [{peer['min50']}–{peer['max50']}] / {peer['p99us']} | {ratio:.2f}× | ≥ {goals[case]}× | "
              f"{'yes' if ratio >= goals[case] else 'no'} | {'yes' if ours['p99us'] <= 2 * ours['p50us'] else 'no'} |")
    print()
ddb = [r for r in rows if r.get("mode") == "ddb"]
if ddb:
    print("\nWith the prediction-log write to DynamoDB on the private MiniStack (the emulator's latency dominates):\n")
    print("| case | mlserve p50 / p99 (µs) | Python peer p50 / p99 (µs) | peer ÷ mlserve (p50) |")
    print("|---|---|---|---|")
    for case in ["clf4x1", "reg20x1", "clf4x100", "reg20x100"]:
        ours, peer = get(case, "mlserve", "ddb"), get(case, "python", "ddb")
        if ours and peer:
            print(f"| {case.replace('x', ' × ')} rows | {ours['p50us']} / {ours['p99us']} | {peer['p50us']} / {peer['p99us']} | {peer['p50us'] / ours['p50us']:.2f}× |")
cold = [r for r in rows if r.get("case") == "cold"]
if cold:
    py = next((r for r in cold if r["side"] == "python"), None)
    print("\nCold start, process start → first answer posted to the Runtime API (SDK clients, alias from DynamoDB, model from S3, row logged):\n")
    print("| side | median (ms) | min – max (ms) | ÷ Python peer (median) |")
    print("|---|---|---|---|")
    for r in cold:
        ratio = f"{r['medianMs'] / py['medianMs']:.2f}×" if py else "-"
        print(f"| {r['side']} | {r['medianMs']} | {r['minMs']} – {r['maxMs']} | {ratio} |")
apigw = next((r for r in rows if r.get("case") == "apigw"), None)
if apigw:
    print(f"\nThrough the emulator's API Gateway (for information; client round trip incl. the authorizer and the DynamoDB log "
          f"write, on the quick start's stack): p50 {apigw['p50ms']} ms, p99 {apigw['p99ms']} ms over {apigw['n']} calls.")
sizes = [r for r in rows if r.get("case") == "size"]
if sizes:
    print("\n| artifact | zipped | unzipped |\n|---|---|---|")
    for r in sizes:
        print(f"| {r['artifact']} | {r['zippedBytes'] / 1e6:.1f} MB | {r['unzippedBytes'] / 1e6:.1f} MB |")
rss = [r for r in rows if r.get("case") == "rss"]
if len(rss) == 2:
    a, b = rss[0]["rssKiB"], rss[1]["rssKiB"]
    print(f"\nRSS after {rss[0]['predictions']:,} predictions: {a / 1024:.0f} MiB; after {rss[1]['predictions']:,}: {b / 1024:.0f} MiB "
          f"({(b - a) / a * 100:+.1f}%).")
emf = next((r for r in rows if r.get("case") == "emf-lines"), None)
if emf:
    print(f"\nEMF lines written by the C1 warm run: {emf['lines']:,} (one per request).")
