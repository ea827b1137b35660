"""The transformers-independent half of hf_parity.py: reading the kit, ablation by LITERAL score
manipulation inside a model's own eager attention softmax, and the comparisons. Works on any torch
model whose attention modules are named *Attention and call softmax once per forward on scores
[B, H, Sq, Sk] (after scaling, soft-capping and the additive mask), as transformers' eager
attention does; selftest.py runs it against hand-written modules (no transformers needed).
"""
import json
import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F

ABS_BAR = 1e-4  # acceptance bar on |ours - HF| (probabilities and patterns)
TIGHT = 1e-5  # reported as "tight"
REL_FLOOR = 1e-9  # relative errors only on probabilities above this
REL_WARN = 1e-3  # relative error that deserves a look even when the absolute bar passes
TIE = 1e-5  # induction scores closer than this may swap places in a ranking
MASKED = -1e30  # HF's additive masks use finfo(float32).min (-3.4e38), not -inf


class AblationError(AssertionError):
    pass


# ---------------------------------------------------------------- the kit
def load_kit(kit_dir):
    """-> (models, manifest): models is a list of dicts {model, model_dir, cases, induction}."""
    with open(os.path.join(kit_dir, "cases.json")) as f:
        cases = json.load(f)
    if isinstance(cases, dict):
        cases = cases["cases"]

    def optional(name, default):
        path = os.path.join(kit_dir, name)
        if not os.path.exists(path):
            return default
        with open(path) as f:
            return json.load(f)

    induction = {r["model"]: r for r in optional("induction.json", [])}
    manifest = optional("manifest.json", {})
    models = OrderedDict()
    for c in cases:
        m = models.setdefault(c["model"], {"model": c["model"], "model_dir": c["model_dir"], "family": c.get("family"),
                                           "model_type": c.get("model_type"), "note": c.get("note", ""), "cases": []})
        m["cases"].append(c)
    for name, r in induction.items():
        if name not in models:
            models[name] = {"model": name, "model_dir": r["model_dir"], "family": r.get("family"),
                            "model_type": r.get("model_type"), "note": r.get("note", ""), "cases": []}
        models[name]["induction"] = r
    return list(models.values()), manifest


def resolve_model_dir(model_dir, kit_dir, repo_root):
    """model_dir is relative to the repository root; try that, the working folder and the kit's parent."""
    if os.path.isabs(model_dir):
        return model_dir
    for base in (repo_root, os.getcwd(), os.path.dirname(os.path.abspath(kit_dir))):
        p = os.path.join(base, model_dir)
        if os.path.exists(os.path.join(p, "config.json")):
            return p
    raise FileNotFoundError(f"{model_dir}: no config.json under {repo_root}, {os.getcwd()} or the kit's parent folder")


# ---------------------------------------------------------------- literal ablation
def mean_ablate(scores):
    """scores [..., Sq, Sk]: every unmasked score of a query row becomes the mean of that row's unmasked scores."""
    keep = scores > MASKED
    n = keep.sum(-1, keepdim=True).clamp(min=1)
    mean = torch.where(keep, scores, torch.zeros_like(scores)).sum(-1, keepdim=True) / n
    return torch.where(keep, mean.expand_as(scores), scores)


class ScoreAblator:
    """While active, routes softmax calls made inside an attention module (located by forward hooks)
    through the per-row ablation plan: zero -> all scores -inf, softmax, NaN -> 0; mean -> mean_ablate.
    Patches all three entry points (nn.functional.softmax, torch.softmax, Tensor.softmax); a nested
    call (F.softmax calls Tensor.softmax) goes straight through, so each is counted once."""

    ENTRY_POINTS = ("torch.nn.functional.softmax", "torch.softmax", "torch.Tensor.softmax")

    def __init__(self, attn_modules, n_heads):
        self.modules = attn_modules
        self.n_heads = n_heads
        self.layer = None
        self.plan = {}
        self.batch = None
        self.calls = [0] * len(attn_modules)
        self.entry_points = set()
        self.problems = []
        self._depth = 0
        self._saved = None
        self._handles = []

    def set_rows(self, rows, batch):
        """rows: one {heads: [[l, h], ...], mode} per batch row; None = no ablation at all."""
        plan = {}
        if rows is not None:
            if len(rows) != batch:
                raise AblationError(f"{len(rows)} ablation rows for a batch of {batch}")
            for b, row in enumerate(rows):
                if row["mode"] == "none":
                    continue
                if row["mode"] not in ("zero", "mean"):
                    raise AblationError(f"row {b}: unknown mode {row['mode']!r}")
                for l, h in row["heads"]:
                    if not (0 <= l < len(self.modules) and 0 <= h < self.n_heads):
                        raise AblationError(f"row {b}: head ({l}, {h}) outside {len(self.modules)} x {self.n_heads}")
                    plan.setdefault(l, []).append((b, h, row["mode"]))
        self.plan, self.batch = plan, batch
        self.calls = [0] * len(self.modules)
        self.problems = []

    def check_calls(self):
        """Raises unless the wrapper ran exactly once in every layer during the last forward."""
        if self.problems:
            raise AblationError("; ".join(self.problems))
        if self.calls != [1] * len(self.modules):
            raise AblationError(
                f"softmax wrapper calls per layer {self.calls}, expected exactly 1 each: this model's eager attention "
                f"does not call {' / '.join(self.ENTRY_POINTS)} once per layer, so the ablation would not be literal")

    def __enter__(self):
        for i, m in enumerate(self.modules):
            self._handles.append(m.register_forward_pre_hook(self._enter_layer(i)))
            self._handles.append(m.register_forward_hook(self._leave_layer))
        self._saved = (F.softmax, torch.softmax, torch.Tensor.softmax)
        self._own_method = "softmax" in torch.Tensor.__dict__  # else inherited from the C base class
        F.softmax = self._wrap(self._saved[0], self.ENTRY_POINTS[0])
        torch.softmax = self._wrap(self._saved[1], self.ENTRY_POINTS[1])
        torch.Tensor.softmax = self._wrap(self._saved[2], self.ENTRY_POINTS[2])
        return self

    def __exit__(self, *exc):
        F.softmax, torch.softmax = self._saved[:2]
        if self._own_method:
            torch.Tensor.softmax = self._saved[2]
        else:
            del torch.Tensor.softmax
        for h in self._handles:
            h.remove()
        self._handles = []
        self.layer = None
        return False

    def _enter_layer(self, i):
        def hook(module, args):
            self.layer = i
        return hook

    def _leave_layer(self, module, args, output):
        self.layer = None

    def _wrap(self, original, name):
        def wrapper(*args, **kwargs):
            if self._depth > 0 or self.layer is None:
                return original(*args, **kwargs)
            self._depth += 1
            try:
                self.entry_points.add(name)
                return self._attention_softmax(original, args, kwargs)
            finally:
                self._depth -= 1
        return wrapper

    def _attention_softmax(self, original, args, kwargs):
        l = self.layer
        x = args[0]
        dim = args[1] if len(args) > 1 else kwargs.get("dim")
        self.calls[l] += 1
        if not (torch.is_tensor(x) and x.dim() == 4 and dim in (-1, 3)):
            self.problems.append(f"layer {l}: softmax on {tuple(x.shape) if torch.is_tensor(x) else type(x)} dim {dim}, "
                                 "expected scores [B, H, Sq, Sk] over dim -1")
            return original(*args, **kwargs)
        B, H, Sq, Sk = x.shape
        if B != self.batch or H != self.n_heads:
            self.problems.append(f"layer {l}: scores {tuple(x.shape)}, expected batch {self.batch} x {self.n_heads} heads")
            return original(*args, **kwargs)
        if Sq == Sk and self.calls[l] == 1:
            # The mask must read as "> MASKED = allowed": every key after the query masked, the query itself
            # allowed. A model masking with a milder value (e.g. -1e4) would fail here instead of being
            # mean-ablated over masked keys.
            keep = x > MASKED
            future = torch.ones(Sq, Sk, dtype=torch.bool, device=x.device).triu(1)
            if bool((keep & future).any()) or not bool(keep.diagonal(dim1=-2, dim2=-1).all()):
                self.problems.append(f"layer {l}: scores > {MASKED:g} are not a causal pattern; the mask value is not recognised")
        items = self.plan.get(l, [])
        if not items:
            return original(*args, **kwargs)
        x = x.clone()
        zeroed = []
        for b, h, mode in items:
            if mode == "zero":
                x[b, h] = float("-inf")
                zeroed.append((b, h))
            else:
                x[b, h] = mean_ablate(x[b, h])
        out = original(x, *args[1:], **kwargs)
        for b, h in zeroed:
            if not bool(torch.isnan(out[b, h]).all()):
                self.problems.append(f"layer {l}: softmax of an all -inf row is not all NaN (head {h})")
            out[b, h] = torch.nan_to_num(out[b, h], nan=0.0)
        return out


def attention_modules(model, n_layers):
    """The outermost modules whose class name ends in 'Attention', one per layer, in layer order."""
    found = [(n, m) for n, m in model.named_modules() if type(m).__name__.endswith("Attention")]
    names = [n for n, _ in found]
    outer = [(n, m) for n, m in found if not any(n != o and n.startswith(o + ".") for o in names)]
    idx = [getattr(m, "layer_idx", None) for _, m in outer]
    if all(isinstance(i, int) for i in idx):
        outer = [nm for _, nm in sorted(zip(idx, outer), key=lambda t: t[0])]
        if sorted(idx) != list(range(len(idx))):
            raise AblationError(f"attention modules have layer_idx {sorted(idx)}, expected 0..{len(idx) - 1}")
    if len(outer) != n_layers:
        raise AblationError(f"found {len(outer)} attention modules ({[n for n, _ in outer]}), expected {n_layers}")
    return [m for _, m in outer]


# ---------------------------------------------------------------- running and comparing
def run_forward(model, ablator, ids, rows, device, output_attentions=False):
    """-> (token_probs [B, S] float64 numpy, attentions or None); rows None = unablated."""
    x = torch.tensor(ids, dtype=torch.long, device=device)
    ablator.set_rows(rows, x.shape[0])
    with torch.no_grad(), ablator:
        out = model(input_ids=x, use_cache=False, output_attentions=output_attentions)
    ablator.check_calls()
    logits = out.logits[:, -1, :].double()  # [B, V]
    probs = torch.softmax(logits, dim=-1).gather(1, x)  # [B, S]
    atts = [a.double().cpu().numpy() for a in out.attentions] if output_attentions else None
    return probs.cpu().numpy(), atts


def compare(ours, ref):
    """Max absolute difference, and max relative difference on reference values above REL_FLOOR."""
    a = np.asarray(ours, dtype=np.float64)
    r = np.asarray(ref, dtype=np.float64)
    if a.shape != r.shape:
        raise AblationError(f"shape {a.shape} (ours) vs {r.shape} (HF)")
    d = np.abs(a - r)
    d = np.where(np.isnan(d), np.inf, d)  # a NaN on either side is an infinite difference
    if not d.size:
        return {"max_abs": 0.0, "max_rel": 0.0, "at": [], "ours_at": None, "ref_at": None}
    at = np.unravel_index(int(np.argmax(d)), d.shape)
    big = r > REL_FLOOR
    rel = float((d[big] / r[big]).max()) if big.any() else 0.0
    return {"max_abs": float(d.max()), "max_rel": rel, "at": [int(i) for i in at], "ours_at": float(a[at]), "ref_at": float(r[at])}


def verdict(diff):
    if not np.isfinite(diff["max_abs"]) or diff["max_abs"] > ABS_BAR:
        return "FAIL"
    return "PASS tight" if diff["max_abs"] <= TIGHT else "PASS"


def max_rel_change(base, ablated):
    b = np.asarray(base)
    big = b > REL_FLOOR
    return float((np.abs(np.asarray(ablated) - b)[big] / b[big]).max()) if big.any() else 0.0


def induction_scores(atts, T):
    """atts: per layer [B, H, 2T, 2T] -> {(l, h): mean over b and i in [T, 2T) of att[b, h, i, i-T+1]}."""
    i = np.arange(T, 2 * T)
    out = {}
    for l, a in enumerate(atts):
        vals = a[:, :, i, i - T + 1]  # [B, H, T]
        for h in range(a.shape[1]):
            out[(l, h)] = float(vals[:, h, :].mean())
    return out


def ranking(scores):
    return sorted(scores, key=lambda k: (-scores[k], k[0], k[1]))


def compare_induction(ours_list, ref, top=5):
    ours = {(s["layer"], s["head"]): s["score"] for s in ours_list}
    if set(ours) != set(ref):
        raise AblationError(f"induction heads differ: {len(ours)} ours vs {len(ref)} HF")
    max_d = max(abs(ours[k] - ref[k]) for k in ref)
    ro, rr = ranking(ours)[:top], ranking(ref)[:top]
    identical = ro == rr
    ties_only = identical or all(abs(ref[a] - ref[b]) <= TIE for a, b in zip(ro, rr))
    ok = max_d <= ABS_BAR and ties_only
    return {"max_abs": max_d, "top_ours": [list(k) for k in ro], "top_hf": [list(k) for k in rr],
            "top_identical": identical, "ties_only": ties_only, "verdict": ("PASS tight" if max_d <= TIGHT else "PASS") if ok else "FAIL"}
