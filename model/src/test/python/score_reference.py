"""Rolling-window scoring of whole documents with the torch.nn GPT-2 of gpt_reference.py.

An independent check of org.sparklm.model.score.Scorer and WindowPolicy: the windows here are
made the way lm-evaluation-harness (loglikelihood_rolling: rolling token windows with
context_len=1, then disjoint windows) and Hugging Face's perplexity guide (a strided loop with
-100 labels) make them, written from their descriptions, not from sparklm's Java.

usage: score_reference.py EXPORT_DIR DOCS_FILE disjoint|strided STRIDE
DOCS_FILE: one document a line, space-separated ids (the first id is context only)
output: one line per document, the log-prob of ids[1:] in order
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt_reference  # noqa: E402


def rolling_windows(tokens, prefix, max_len):
    """lm-eval's rolling windows with context_len=1: (context, continuation) pairs."""
    if not tokens:
        return
    first = min(max_len, len(tokens))
    yield [prefix] + tokens[: first - 1], tokens[:first]
    done = first
    while done < len(tokens):
        n = min(len(tokens) - done, max_len)
        end = done + n
        yield tokens[end - max_len - 1: end - 1], tokens[end - n: end]
        done += n


def disjoint(window):
    """lm-eval's make_disjoint_window: drop from the context what the continuation repeats."""
    ctx, cont = window
    return ctx[: len(ctx) - (len(cont) - 1)], cont


def loglikelihood(model, ctx, cont, max_len):
    """lm-eval's scoring of a continuation: the last max_len+1 ids, inputs are all but the last."""
    whole = (ctx + cont)[-(max_len + 1):]
    ids = torch.tensor([whole])
    logp = F.log_softmax(model(ids[:, :-1]), dim=-1)[0]
    picked = logp.gather(-1, ids[0, 1:].unsqueeze(-1)).squeeze(-1)
    return picked[-len(cont):].tolist()


def score_disjoint(model, ids, max_len):
    out = []
    for w in rolling_windows(ids[1:], ids[0], max_len):
        ctx, cont = disjoint(w)
        out.extend(loglikelihood(model, ctx, cont, max_len))
    return out


def score_strided(model, ids, max_len, stride):
    """Hugging Face's loop with max_length = context + 1 (the last input predicts nothing kept)."""
    max_length = max_len + 1
    out = []
    prev_end = 0
    for begin in range(0, len(ids), stride):
        end = min(begin + max_length, len(ids))
        trg_len = end - prev_end
        window = torch.tensor([ids[begin:end]])
        labels = window.clone()
        labels[:, :-trg_len] = -100
        logp = F.log_softmax(model(window[:, :-1]), dim=-1)[0]
        targets = labels[0, 1:]
        for j in range(targets.shape[0]):
            if targets[j] != -100:
                out.append(logp[j, targets[j]].item())
        prev_end = end
        if end == len(ids):
            break
    return out


def main():
    export_dir, docs_file, policy, stride = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(export_dir + "/config.json") as f:
        cfg = json.load(f)
    model = gpt_reference.Gpt(cfg)
    model.load_gpt2(gpt_reference.read_safetensors(export_dir + "/model.safetensors"))
    model.eval()
    max_len = cfg["n_positions"]
    with open(docs_file) as f:
        docs = [[int(t) for t in line.split()] for line in f if line.strip()]
    with torch.no_grad():
        for ids in docs:
            lp = score_disjoint(model, ids, max_len) if policy == "disjoint" else score_strided(model, ids, max_len, stride)
            print(" ".join("%.9g" % v for v in lp))


if __name__ == "__main__":
    main()
