"""An independent GPT-2 in plain torch.nn modules, to check sparklm's DJL model.

Reads a Hugging Face GPT-2 export (model.safetensors + config.json, as written by
org.sparklm.model.export.HfExport) without the safetensors package (Debian's python3-torch has
none), builds the model from nn.Embedding / nn.LayerNorm / nn.Linear / nn.GELU, and prints the
log-probability of every next token of every row of token ids.

usage: gpt_reference.py EXPORT_DIR TOKENS_FILE   (one row of space-separated ids per line)
output: one line per row, the log-probs of tokens 1..n given their prefixes
"""
import json
import math
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", name
        b, e = t["data_offsets"]
        values = struct.unpack("<%df" % ((e - b) // 4), data[b:e])
        out[name] = torch.tensor(values, dtype=torch.float32).reshape(t["shape"])
    return out


class Block(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d, eps=1e-5)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d, eps=1e-5)
        self.c_fc = nn.Linear(d, hidden)
        self.gelu = nn.GELU()
        self.mlp_proj = nn.Linear(hidden, d)

    def attn(self, x):
        b, t, d = x.shape
        q, k, v = self.c_attn(x).split(d, dim=2)
        q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, d))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["n_embd"]
        self.wte = nn.Embedding(cfg["vocab_size"], d)
        self.wpe = nn.Embedding(cfg["n_positions"], d)
        self.h = nn.ModuleList([Block(d, cfg["n_head"], cfg["n_inner"]) for _ in range(cfg["n_layer"])])
        self.ln_f = nn.LayerNorm(d, eps=1e-5)

    def forward(self, idx):
        pos = torch.arange(idx.shape[1])
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        return F.linear(self.ln_f(x), self.wte.weight)  # head tied to the embedding

    def load_gpt2(self, w):
        """GPT-2's Conv1D weights are [in, out]; nn.Linear's are [out, in]: transpose."""
        with torch.no_grad():
            self.wte.weight.copy_(w["wte.weight"])
            self.wpe.weight.copy_(w["wpe.weight"])
            for i, b in enumerate(self.h):
                p = "h.%d." % i
                for ln in ("ln_1", "ln_2"):
                    getattr(b, ln).weight.copy_(w[p + ln + ".weight"])
                    getattr(b, ln).bias.copy_(w[p + ln + ".bias"])
                for mod, name in ((b.c_attn, "attn.c_attn"), (b.c_proj, "attn.c_proj"),
                                  (b.c_fc, "mlp.c_fc"), (b.mlp_proj, "mlp.c_proj")):
                    mod.weight.copy_(w[p + name + ".weight"].t())
                    mod.bias.copy_(w[p + name + ".bias"])
            self.ln_f.weight.copy_(w["ln_f.weight"])
            self.ln_f.bias.copy_(w["ln_f.bias"])


def main():
    export_dir, tokens_file = sys.argv[1], sys.argv[2]
    with open(export_dir + "/config.json") as f:
        cfg = json.load(f)
    assert cfg["activation_function"] == "gelu" and cfg["tie_word_embeddings"], cfg
    model = Gpt(cfg)
    model.load_gpt2(read_safetensors(export_dir + "/model.safetensors"))
    model.eval()
    with open(tokens_file) as f:
        rows = [[int(t) for t in line.split()] for line in f if line.strip()]
    with torch.no_grad():
        for row in rows:
            ids = torch.tensor([row])
            logp = F.log_softmax(model(ids[:, :-1]), dim=-1)
            picked = logp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)[0]
            print(" ".join("%.9g" % v for v in picked.tolist()))


if __name__ == "__main__":
    main()
