#!/usr/bin/env python3
"""Second half of the Hugging Face cross-check (README.md here): replays the kit written by
export-cases.ts in REAL transformers (fp32, eager attention) and compares our engine's token
probabilities, attention patterns and induction scores with it. Ablations are applied by literal
score manipulation inside transformers' own eager attention softmax (parity_core.py).

    python3 tools/hf-check/hf_parity.py .devcheck [--device cpu|cuda]

Needs torch, transformers, numpy (safetensors through transformers); no network. Exit status 0 when
every check passes, 1 when any fails, 2 when the kit or transformers cannot be loaded. Writes
$OUT/hf-parity.json when OUT is set.
"""
import argparse
import json
import os
import platform
import sys
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import parity_core as core  # noqa: E402

# Config attributes worth printing: they show how transformers read the tiny configs (rope scaling,
# windows, soft-caps, rotary fraction), which is where a version's config handling could differ.
CONFIG_KEYS = ("rope_parameters", "rope_scaling", "rope_theta", "partial_rotary_factor", "rotary_pct", "sliding_window",
               "use_sliding_window", "layer_types", "attn_logit_softcapping", "final_logit_softcapping",
               "query_pre_attn_scalar", "use_parallel_residual", "tie_word_embeddings", "head_dim")
TIED_HEADS = ("lm_head.weight", "embed_out.weight")


def check_model(model, entry, device, log=print):
    """Runs every case and the induction check of one kit model on an already loaded model."""
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads
    ablator = core.ScoreAblator(core.attention_modules(model, n_layers), n_heads)
    results = {"cases": [], "patterns": [], "induction": None}
    for c in entry["cases"]:
        r = {"name": c["name"], "batch": len(c["input_ids"]), "seq_len": len(c["input_ids"][0])}
        try:
            ref, _ = core.run_forward(model, ablator, c["input_ids"], c["rows"], device)
            r.update(core.compare(c["token_probs"], ref))
            r["verdict"] = core.verdict(r)
            if any(row["mode"] != "none" for row in c["rows"]):
                base, _ = core.run_forward(model, ablator, c["input_ids"], None, device)
                r["ablation_effect"] = core.max_rel_change(base, ref)
            if "patterns_first_row" in c:
                _, atts = core.run_forward(model, ablator, c["input_ids"][:1], None, device, output_attentions=True)
                p = core.compare(c["patterns_first_row"], np.stack([a[0] for a in atts]))
                p["verdict"] = core.verdict(p)
                p["name"] = c["name"] + " patterns"
                results["patterns"].append(p)
                log(f"    {p['verdict']:<10} {p['name']:<48} max|d| {p['max_abs']:.2e}")
        except Exception as e:  # noqa: BLE001 - one bad case must not hide the others
            r.update({"verdict": "FAIL", "error": f"{type(e).__name__}: {e}"})
        effect = f"; ablation moves HF probs by up to {100 * r['ablation_effect']:.1f}%" if "ablation_effect" in r else ""
        warn = " REL-WARN" if r.get("max_rel", 0) > core.REL_WARN else ""
        if "error" in r:
            log(f"    FAIL       {r['name']:<48} {r['error']}")
        else:
            log(f"    {r['verdict']:<10} {r['name']:<48} max|d| {r['max_abs']:.2e}  max rel {r['max_rel']:.2e}{warn}{effect}")
        results["cases"].append(r)
    ind = entry.get("induction")
    if ind:
        try:
            T = ind["seq_len"]
            ids = [s + s for s in ind["sequences"]]
            _, atts = core.run_forward(model, ablator, ids, None, device, output_attentions=True)
            res = core.compare_induction(ind["scores"], core.induction_scores(atts, T))
        except Exception as e:  # noqa: BLE001
            res = {"verdict": "FAIL", "error": f"{type(e).__name__}: {e}"}
        results["induction"] = res
        if "error" in res:
            log(f"    FAIL       induction scores: {res['error']}")
        else:
            order = "identical" if res["top_identical"] else ("differs only among ties" if res["ties_only"] else f"DIFFERS: ours {res['top_ours']} HF {res['top_hf']}")
            log(f"    {res['verdict']:<10} {'induction scores (T=%d, %d seqs)' % (T, len(ind['sequences'])):<48} max|d| {res['max_abs']:.2e}  top-5 {order}")
    results["entry_points"] = sorted(ablator.entry_points)
    return results


def model_passed(results):
    items = results["cases"] + results["patterns"] + ([results["induction"]] if results["induction"] else [])
    return all(i["verdict"].startswith("PASS") for i in items)


def summary_line(out):
    cases = out["cases"]
    ok = [c for c in cases if "max_abs" in c]
    tight = sum(c["verdict"] == "PASS tight" for c in cases)
    parts = [f"   {len(cases)} prob cases: {tight} tight, {sum(c['verdict'] == 'PASS' for c in cases)} pass, "
             f"{sum(c['verdict'] == 'FAIL' for c in cases)} fail"]
    if ok:
        parts.append(f"worst max|d| {max(c['max_abs'] for c in ok):.2e}, worst rel {max(c['max_rel'] for c in ok):.2e}")
    effects = [c["ablation_effect"] for c in cases if "ablation_effect" in c]
    if effects:
        parts.append(f"smallest ablation effect {100 * min(effects):.0f}%")
    if out["patterns"]:
        parts.append(f"patterns max|d| {max(p.get('max_abs', float('inf')) for p in out['patterns']):.2e}")
    ind = out.get("induction")
    if ind:
        parts.append(f"induction {ind['verdict']}" + (f" max|d| {ind['max_abs']:.2e}, top-5 "
                     f"{'identical' if ind['top_identical'] else 'ties only' if ind['ties_only'] else 'DIFFERS'}" if "max_abs" in ind else ""))
    return "; ".join(parts)


def load_hf_model(model_dir, device):
    """fp32 eager model; `dtype=` (transformers >= 4.56) first, then the older `torch_dtype=`."""
    from transformers import AutoModelForCausalLM

    tries, errors = [], []
    for dtype_key in ("dtype", "torch_dtype"):
        for with_info in (True, False):
            tries.append((dtype_key, with_info))
    for dtype_key, with_info in tries:
        kwargs = {dtype_key: torch.float32, "attn_implementation": "eager"}
        if with_info:
            kwargs["output_loading_info"] = True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded = AutoModelForCausalLM.from_pretrained(model_dir, **kwargs)
        except TypeError as e:
            errors.append(f"{dtype_key}=: {e}")
            continue
        model, info = loaded if with_info else (loaded, {})
        dtypes = {p.dtype for p in model.parameters()}
        if dtypes == {torch.float32}:
            return model.to(device).eval(), info or {}, dtype_key
        errors.append(f"{dtype_key}=float32 loaded parameters as {sorted(map(str, dtypes))}")
    raise RuntimeError("could not load the model in float32: " + "; ".join(errors))


def config_summary(config):
    out = {}
    for k in CONFIG_KEYS:
        v = getattr(config, k, None)
        if v is not None:
            out[k] = v if isinstance(v, (int, float, str, bool, list, dict)) else str(v)
    out["_attn_implementation"] = getattr(config, "_attn_implementation", None)
    return out


def loading_problems(info, config):
    missing = list(info.get("missing_keys", []) or [])
    if getattr(config, "tie_word_embeddings", False):
        missing = [k for k in missing if k not in TIED_HEADS]
    problems = []
    if missing:
        problems.append(f"missing weights (randomly initialised by transformers): {missing}")
    for key in ("unexpected_keys", "mismatched_keys", "error_msgs"):
        if info.get(key):
            problems.append(f"{key}: {list(info[key])}")
    return problems


def check_one(entry, kit_dir, device, verbose):
    t0 = time.time()
    out = {"model": entry["model"], "model_dir": entry["model_dir"], "family": entry.get("family"),
           "model_type": entry.get("model_type"), "note": entry.get("note")}
    print(f"\n== {entry['model']} ({entry.get('model_type')}): {entry.get('note', '')}")
    try:
        path = core.resolve_model_dir(entry["model_dir"], kit_dir, REPO_ROOT)
        model, info, dtype_key = load_hf_model(path, device)
        out["loaded_with"] = dtype_key + "=torch.float32"
        out["config"] = config_summary(model.config)
        print(f"   transformers config: {json.dumps(out['config'], default=str)}")
        if out["config"]["_attn_implementation"] not in (None, "eager"):
            raise core.AblationError(f"attention implementation is {out['config']['_attn_implementation']}, not eager")
        # Reported, not fatal: missing weights make the cases fail on their own; anything else may be harmless.
        out["load_warnings"] = loading_problems(info, model.config)
        for w in out["load_warnings"]:
            print(f"   WARN loading: {w}")
        out.update(check_model(model, entry, device, log=lambda s: print(s) if verbose or "PASS tight" not in s else None))
        out["passed"] = model_passed(out)
        print(summary_line(out))
        print(f"   softmax entry point(s) used by its attention: {', '.join(out['entry_points']) or 'none'}")
    except Exception as e:  # noqa: BLE001 - report and go on with the other models
        out["passed"] = False
        out["error"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc()
        print(f"   FAIL: {out['error']}")
    out["seconds"] = round(time.time() - t0, 2)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kit", help="folder written by export-cases.ts (e.g. .devcheck)")
    ap.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    ap.add_argument("--only", help="comma-separated model names from the kit")
    ap.add_argument("--verbose", action="store_true", help="one line per check (default: only checks that are not 'PASS tight')")
    args = ap.parse_args()
    t0 = time.time()

    try:
        import transformers
    except ImportError as e:
        print(f"transformers is not importable: {e}")
        return 2
    transformers.logging.set_verbosity_error()  # keep the output to our lines (the JSON report has the rest)
    device = "cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu"
    # fp32 means fp32: no TF32 matmuls/convolutions on CUDA.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    env = {"transformers": transformers.__version__, "torch": torch.__version__, "python": platform.python_version(),
           "device": torch.cuda.get_device_name(0) if device == "cuda" else f"cpu ({torch.get_num_threads()} threads)"}
    print(f"transformers {env['transformers']}, torch {env['torch']}, python {env['python']}, device {env['device']}")

    try:
        models, manifest = core.load_kit(args.kit)
    except Exception as e:  # noqa: BLE001
        print(f"cannot read the kit in {args.kit}: {type(e).__name__}: {e}")
        return 2
    if args.only:
        keep = set(args.only.split(","))
        models = [m for m in models if m["model"] in keep]
    print(f"kit: {len(models)} models, engine {manifest.get('engine_version', '?')}, onnxruntime {manifest.get('ort_version', '?')}, "
          f"exported {manifest.get('created', '?')}; bar: max|ours - HF| <= {core.ABS_BAR:g} (tight <= {core.TIGHT:g})")
    for s in manifest.get("skipped", []):
        print(f"   not in the kit: {s['model']} ({s['reason']})")

    results = [check_one(m, args.kit, device, args.verbose) for m in models]
    failed = [r["model"] for r in results if not r["passed"]]
    print("\n== summary")
    for r in results:
        worst = max([c.get("max_abs", float("inf")) for c in r.get("cases", [])] or [float("nan")])
        what = f"error: {r['error'][:90]}" if "error" in r else f"worst token-prob max|d| {worst:.2e}"
        print(f"   {'PASS' if r['passed'] else 'FAIL'}  {r['model']:<22} {what}  ({r['seconds']} s)")
    print(f"{len(results) - len(failed)}/{len(results)} models pass; transformers {env['transformers']}; {time.time() - t0:.1f} s")

    report = {"env": env, "bar": {"abs": core.ABS_BAR, "tight": core.TIGHT, "rel_floor": core.REL_FLOOR},
              "kit": {k: manifest.get(k) for k in ("created", "engine_version", "ort_version", "skipped")},
              "passed": not failed and bool(results), "failed": failed, "models": results, "seconds": round(time.time() - t0, 1)}
    if os.environ.get("OUT"):
        path = os.path.join(os.environ["OUT"], "hf-parity.json")
        with open(path, "w") as f:
            json.dump(report, f, indent=1, default=str)
        print(f"report: {path}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
