#!/usr/bin/env python3
"""Self-test of hf_parity.py's transformers-independent logic (parity_core.py), runnable where
transformers is not installed:

    /usr/bin/python3 tools/hf-check/selftest.py [.devcheck]

1. Hand-written eager attention modules (HF-style additive finfo.min mask, GQA, sliding window,
   soft-cap) calling softmax through each entry point: the literal zero/mean ablation must give
   exactly the closed form (z = 0; z[q] = mean of the allowed v), per batch row; the once-per-layer
   check must fire when softmax is called twice or not at all; the patches must be undone.
2. The comparison, induction-score and ranking helpers on hand-made numbers.
3. With a kit: the whole check_model pipeline on the kit's Llama-family checkpoints, using
   mini_llama.py (an independent HF-named Llama/Qwen2/Mistral forward) instead of transformers.
"""
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hf_parity  # noqa: E402  (imports transformers only when run as a script)
import parity_core as core  # noqa: E402

ORIGINAL_SOFTMAX = (F.softmax, torch.softmax)


class ToyAttention(nn.Module):
    """HF-eager-like attention; `style` picks how softmax is called ('twice'/'manual' are broken on purpose)."""

    def __init__(self, layer_idx, d, n_heads, n_kv, style, window=None, softcap=None, mask_value=None):
        super().__init__()
        self.mask_value = torch.finfo(torch.float32).min if mask_value is None else mask_value
        self.layer_idx, self.h, self.kv, self.dh = layer_idx, n_heads, n_kv, d // n_heads
        self.style, self.window, self.softcap = style, window, softcap
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, n_kv * self.dh)
        self.v = nn.Linear(d, n_kv * self.dh)
        self.o = nn.Linear(d, d)
        self.last_v = None

    def forward(self, x):
        B, S, _ = x.shape
        q = self.q(x).view(B, S, self.h, self.dh).transpose(1, 2)  # [B, H, S, Dh]
        k = self.k(x).view(B, S, self.kv, self.dh).transpose(1, 2).repeat_interleave(self.h // self.kv, 1)
        v = self.v(x).view(B, S, self.kv, self.dh).transpose(1, 2).repeat_interleave(self.h // self.kv, 1)
        self.last_v = v
        s = q @ k.transpose(2, 3) * self.dh ** -0.5  # [B, H, S, S]
        if self.softcap:
            s = torch.tanh(s / self.softcap) * self.softcap
        qi, ki = torch.arange(S)[:, None], torch.arange(S)[None, :]
        allowed = (ki <= qi) & ((ki > qi - self.window) if self.window else True)
        s = s + torch.where(allowed, 0.0, self.mask_value)[None, None]  # as HF's eager_mask
        if self.style == "F":
            p = nn.functional.softmax(s, dim=-1, dtype=torch.float32).to(q.dtype)
        elif self.style == "F-nodtype":  # GPT-2's call; F.softmax itself calls Tensor.softmax
            p = F.softmax(s, dim=-1)
        elif self.style == "torch":
            p = torch.softmax(s, dim=-1)
        elif self.style == "method":
            p = s.softmax(-1)
        elif self.style == "twice":
            p = F.softmax(F.softmax(s, dim=-1), dim=-1)
        else:  # manual: never calls softmax
            e = torch.exp(s - s.amax(-1, keepdim=True))
            p = e / e.sum(-1, keepdim=True)
        z = p @ v  # [B, H, S, Dh]
        return self.o(z.transpose(1, 2).reshape(B, S, -1)), p


class ToyModel(nn.Module):
    def __init__(self, style, layers=2, d=16, n_heads=4, n_kv=2, vocab=24, window=None, softcap=None, mask_value=None):
        super().__init__()
        torch.manual_seed(0)
        self.config = types.SimpleNamespace(num_hidden_layers=layers, num_attention_heads=n_heads)
        self.embed = nn.Embedding(vocab, d)
        self.attns = nn.ModuleList([ToyAttention(i, d, n_heads, n_kv, style, window, softcap, mask_value) for i in range(layers)])
        self.head = nn.Linear(d, vocab)
        self.z = {}
        for i, a in enumerate(self.attns):
            a.o.register_forward_pre_hook(self._grab(i))

    def _grab(self, i):
        def hook(module, args):
            B, S, D = args[0].shape
            self.z[i] = args[0].view(B, S, self.config.num_attention_heads, -1).transpose(1, 2)  # [B, H, S, Dh]
        return hook

    def forward(self, input_ids, use_cache=False, output_attentions=False):
        x = self.embed(input_ids)
        atts = []
        for a in self.attns:
            y, p = a(x)
            x = x + y
            atts.append(p)
        return types.SimpleNamespace(logits=self.head(x), attentions=tuple(atts) if output_attentions else None)


def windowed_mean(v, window):
    """v [S, Dh] -> [S, Dh]: row q is the mean of v[max(0, q-W+1)..q]."""
    S = v.shape[0]
    return torch.stack([v[max(0, q - window + 1 if window else 0):q + 1].mean(0) for q in range(S)])


def test_literal_ablation():
    ids = torch.randint(0, 24, (3, 11)).tolist()
    rows = [{"heads": [[0, 0], [0, 1]], "mode": "zero"}, {"heads": [[0, 0], [1, 3]], "mode": "mean"}, {"heads": [], "mode": "none"}]
    for style in ("F", "F-nodtype", "torch", "method"):
        for window, softcap in ((None, None), (4, 2.0)):
            m = ToyModel(style, window=window, softcap=softcap)
            ab = core.ScoreAblator(core.attention_modules(m, 2), 4)
            core.run_forward(m, ab, ids, None, "cpu")
            z_plain = {k: v.clone() for k, v in m.z.items()}
            core.run_forward(m, ab, ids, rows, "cpu")
            assert ab.entry_points, style
            assert torch.all(m.z[0][0, 0] == 0) and torch.all(m.z[0][0, 1] == 0), "zero ablation must give z = 0 exactly"
            assert torch.equal(m.z[0][0, 2:], z_plain[0][0, 2:]), "other heads of a layer-0-only row stay as they were"
            for l, h in ((0, 0), (1, 3)):
                want = windowed_mean(m.attns[l].last_v[1, h], window)
                d = (m.z[l][1, h] - want).abs().max().item()
                assert d < 1e-6, f"{style}: mean ablation z differs from the windowed mean of v by {d}"
            assert torch.equal(m.z[0][2], z_plain[0][2]), "unablated row 0 of layer 0 is untouched"
            undone = (F.softmax, torch.softmax) == ORIGINAL_SOFTMAX and "softmax" not in torch.Tensor.__dict__
            assert undone, "the softmax patches must be undone after each forward"
    print("ok  literal zero/mean ablation equals the closed form (4 softmax entry points, window + soft-cap)")


def test_call_count_guard():
    ids = [[1, 2, 3, 4]]
    for style in ("twice", "manual"):
        m = ToyModel(style)
        ab = core.ScoreAblator(core.attention_modules(m, 2), 4)
        try:
            core.run_forward(m, ab, ids, [{"heads": [[0, 0]], "mode": "zero"}], "cpu")
        except core.AblationError as e:
            assert "calls per layer" in str(e), e
        else:
            raise AssertionError(f"{style}: the once-per-layer check did not fire")
    assert "softmax" not in torch.Tensor.__dict__
    m = ToyModel("F", mask_value=-1e4)  # a mask the "> -1e30 = allowed" rule would misread
    try:
        core.run_forward(m, core.ScoreAblator(core.attention_modules(m, 2), 4), ids, [{"heads": [[0, 0]], "mode": "mean"}], "cpu")
    except core.AblationError as e:
        assert "not a causal pattern" in str(e), e
    else:
        raise AssertionError("a -1e4 mask was not reported")
    print("ok  softmax called twice / never per layer, and an unrecognised mask value, are reported")


def test_helpers():
    d = core.compare([[0.5, 1e-12, 0.2]], [[0.5 + 2e-5, 2e-12, 0.2]])
    assert abs(d["max_abs"] - 2e-5) < 1e-12 and d["at"] == [0, 0] and abs(d["max_rel"] - 2e-5 / 0.50002) < 1e-12, d
    assert core.verdict(d) == "PASS" and core.verdict({"max_abs": 5e-6}) == "PASS tight"
    assert core.verdict({"max_abs": 2e-4}) == "FAIL" and core.verdict({"max_abs": float("nan")}) == "FAIL"
    assert core.verdict(core.compare([[np.nan]], [[0.1]])) == "FAIL"
    T = 3
    att = np.zeros((1, 2, 2, 6, 6))[0]  # one layer: [B=2, H=2, 6, 6]
    for i in range(T, 2 * T):
        att[:, 1, i, i - T + 1] = 0.5
    sc = core.induction_scores([att], T)
    assert sc == {(0, 0): 0.0, (0, 1): 0.5}, sc
    ref = {(0, 0): 0.3, (0, 1): 0.3 + 1e-7, (1, 0): 0.1, (1, 1): 0.2, (2, 0): 0.05, (2, 1): 0.0}
    ours = [{"layer": l, "head": h, "score": v} for (l, h), v in ref.items()]
    ours[0]["score"] += 2e-7  # swaps the two tied leaders
    r = core.compare_induction(ours, ref)
    assert not r["top_identical"] and r["ties_only"] and r["verdict"].startswith("PASS"), r
    ours[2]["score"] = 0.25  # (1, 0) overtakes (1, 1): a real ranking difference
    r = core.compare_induction(ours, ref)
    assert not r["ties_only"] and r["verdict"] == "FAIL", r
    print("ok  compare / verdict / induction scores / tie-aware ranking")


def test_kit(kit):
    import mini_llama

    models, manifest = core.load_kit(kit)
    llama_like = [m for m in models if m.get("family") == "llama"]
    if not llama_like:
        print(f"--  no llama-family models in {kit}: pipeline test skipped")
        return
    bad = []
    for entry in llama_like:
        path = core.resolve_model_dir(entry["model_dir"], kit, os.path.dirname(os.path.dirname(HERE)))
        model = mini_llama.load(path)
        print(f"    {entry['model']}")
        res = hf_parity.check_model(model, entry, "cpu", log=lambda s: print("  " + s))
        if not hf_parity.model_passed(res):
            bad.append(entry["model"])
    assert not bad, f"pipeline check failed on {bad}"
    print(f"ok  check_model on {len(llama_like)} kit models with mini_llama in place of transformers")
    # Negative control: the same forward without the llama3 rope scaling must fail the llama3 cases.
    entry = next((m for m in llama_like if m["model"] == "llama3-f32"), None)
    if entry:
        wrong = mini_llama.load(core.resolve_model_dir(entry["model_dir"], kit, os.path.dirname(os.path.dirname(HERE))))
        wrong.c = dict(wrong.c, rope_scaling=None)
        res = hf_parity.check_model(wrong, entry, "cpu", log=lambda s: None)
        worst = max(c["max_abs"] for c in res["cases"])
        assert not hf_parity.model_passed(res), "a forward without llama3 rope scaling passed: the check proves nothing"
        print(f"ok  negative control: without llama3 rope scaling the llama3-f32 cases FAIL (max|d| {worst:.1e})")


def test_main_with_stand_in(kit):
    """hf_parity.main end to end with a stand-in `transformers` (mini_llama behind from_pretrained):
    llama-family models pass, the others fail to load, and the run goes on, reports and exits 1."""
    import json
    import shutil
    import tempfile

    import mini_llama

    class Auto:
        @staticmethod
        def from_pretrained(path, dtype=None, torch_dtype=None, attn_implementation=None, output_loading_info=False):
            model = mini_llama.load(path)  # raises for the families it does not model
            # Like a transformers that ignores `dtype=`: parameters stay bf16 unless torch_dtype is given.
            model.anchor = nn.Parameter(torch.zeros(1, dtype=torch_dtype or torch.bfloat16))
            model.config.tie_word_embeddings = model.c.get("tie_word_embeddings", False)
            model.config._attn_implementation = attn_implementation
            return (model, {"missing_keys": []}) if output_loading_info else model

    fake = types.ModuleType("transformers")
    fake.__version__ = "0.0-stand-in"
    fake.AutoModelForCausalLM = Auto
    fake.logging = types.SimpleNamespace(set_verbosity_error=lambda: None)
    sys.modules["transformers"] = fake

    out = tempfile.mkdtemp(prefix="hf-parity-selftest-")
    argv, env_out = sys.argv, os.environ.get("OUT")
    sys.argv, os.environ["OUT"] = ["hf_parity.py", kit, "--device", "cpu"], out
    try:
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = hf_parity.main()
    finally:
        sys.argv = argv
        del sys.modules["transformers"]
        if env_out is None:
            del os.environ["OUT"]
        else:
            os.environ["OUT"] = env_out
    with open(os.path.join(out, "hf-parity.json")) as f:
        report = json.load(f)
    shutil.rmtree(out)
    by = {m["model"]: m for m in report["models"]}
    llama = [n for n, m in by.items() if m["family"] == "llama"]
    others = [n for n in by if n not in llama]
    assert all(by[n]["passed"] and by[n]["loaded_with"] == "torch_dtype=torch.float32" for n in llama), [by[n].get("error") for n in llama]
    assert all(not by[n]["passed"] and "error" in by[n] for n in others)
    assert rc == (1 if others else 0) and report["passed"] == (not others), (rc, report["passed"])
    print(f"ok  hf_parity.main with a stand-in transformers: {len(llama)} pass, {len(others)} fail to load "
          f"and are reported, exit {rc}, report written ({len(buf.getvalue().splitlines())} lines of output)")


if __name__ == "__main__":
    torch.manual_seed(0)
    test_literal_ablation()
    test_call_count_guard()
    test_helpers()
    kit = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(HERE)), ".devcheck")
    if os.path.exists(os.path.join(kit, "cases.json")):
        test_kit(kit)
        test_main_with_stand_in(kit)
    else:
        print(f"--  no kit at {kit}: run export-cases.ts first for the pipeline test")
    print("selftest passed")
