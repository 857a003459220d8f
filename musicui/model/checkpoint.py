"""Checkpoints as safetensors + JSON only: pickled files are refused on load."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

PICKLE_SUFFIXES = (".pt", ".pth", ".bin", ".pkl", ".ckpt")


def refuse_pickles(folder: Path) -> None:
    pickles = [p.name for p in Path(folder).iterdir() if p.suffix in PICKLE_SUFFIXES]
    if pickles:
        raise ValueError(f"refusing to load pickle files {pickles} in {folder}: checkpoints are safetensors only")


def save_weights(module: torch.nn.Module, path: Path, dtype: torch.dtype | None = None) -> None:
    state = {name: (t.to(dtype) if dtype and t.is_floating_point() else t).contiguous()
             for name, t in module.state_dict().items()}
    # Tied weights (GPT-2's lm_head and token embedding) are stored once.
    if "gpt.lm_head.weight" in state and "gpt.transformer.wte.weight" in state:
        del state["gpt.lm_head.weight"]
    save_file(state, str(path))


def load_weights(module: torch.nn.Module, path: Path) -> None:
    refuse_pickles(Path(path).parent)
    state = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path)).items()}
    missing, unexpected = module.load_state_dict(state, strict=False)
    missing = [m for m in missing if m != "gpt.lm_head.weight"]
    if missing or unexpected:
        raise ValueError(f"checkpoint {path} does not fit the model: missing {missing[:5]}, unexpected {unexpected[:5]}")


def save_optimizer(optimizer: torch.optim.Optimizer, folder: Path) -> None:
    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, values in state["state"].items():
        for name, value in values.items():
            if torch.is_tensor(value):
                tensors[f"{index}.{name}"] = value.contiguous()
            else:
                scalars[f"{index}.{name}"] = value
    save_file(tensors, str(folder / "optimizer.safetensors"))
    (folder / "optimizer.json").write_text(json.dumps({"param_groups": state["param_groups"], "scalars": scalars}))


def load_optimizer(optimizer: torch.optim.Optimizer, folder: Path) -> None:
    tensors = load_file(str(folder / "optimizer.safetensors"))
    meta = json.loads((folder / "optimizer.json").read_text())
    state: dict[int, dict] = {}
    for key, value in list(tensors.items()) + list(meta["scalars"].items()):
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
