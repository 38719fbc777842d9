"""Writes test/fixtures/toy-lora-parity.json: PyTorch's outputs of the toy-shapes text encoder and UNet with the
toy-bar LoRA merged into their weights, for the TypeScript merge to be checked against.

    python3 tools/toy-model/lora_parity.py        # after recover.py and train_lora.py

The LoRA is read back from models/loras/toy-bar.safetensors (the float16 values the file holds, as
float32) and merged as W' = W + weight * (alpha / rank) * up @ down, convs flattened over in * k * k; the PEFT
file, merged as W + weight * B @ A, must give the same weights (checked here).
"""
import copy
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import captions  # noqa: E402
import lora  # noqa: E402
import safetensors_file  # noqa: E402
import train  # noqa: E402
import train_lora  # noqa: E402
import world  # noqa: E402

FIXTURE = os.path.join(train.REPO, "test", "fixtures", "toy-lora-parity.json")
PROMPT = "a large red bar in the center, blue background"
WEIGHTS = (1.0, 0.5)
HIDDEN_TOKENS = 12  # of the text encoder's 77 outputs, per weight (the whole of them once, as the UNet's input)


def rounded(tensor):
    return [float(f"{v:.7g}") for v in tensor.reshape(-1).tolist()]


def merged(nets, tensors, weight):
    text_encoder, unet = copy.deepcopy(nets["text_encoder"]), copy.deepcopy(nets["unet"])
    count = lora.merge_kohya(text_encoder, tensors, "lora_te_", weight) + lora.merge_kohya(unet, tensors, "lora_unet_", weight)
    return text_encoder, unet, count


def check_peft_matches(nets, kohya):
    """The PEFT file's B @ A merge gives the kohya file's weights (B = up * alpha / rank)."""
    peft, _ = safetensors_file.read(os.path.join(train_lora.FIXTURES, f"{train_lora.NAME}-peft.safetensors"))
    as_kohya = {}
    for key, value in peft.items():
        if key.endswith(".lora_A.weight"):
            part, path = key[: -len(".lora_A.weight")].split(".", 1)
            stem = lora.PREFIXES[part][0] + path.replace(".", "_")
            as_kohya[stem + ".lora_down.weight"] = value
            as_kohya[stem + ".lora_up.weight"] = peft[key.replace("lora_A", "lora_B")]
            as_kohya[stem + ".alpha"] = np.array(value.shape[0], dtype=np.float32)  # alpha = rank: scale 1
    assert set(as_kohya) == set(kohya), "the two files hold different layers"
    a_te, a_unet, _ = merged(nets, kohya, 1.0)
    b_te, b_unet, _ = merged(nets, as_kohya, 1.0)
    worst = max(float((pa - pb).abs().max()) for ma, mb in ((a_te, b_te), (a_unet, b_unet))
                for pa, pb in zip(ma.parameters(), mb.parameters()))
    print(f"PEFT and kohya files merged: max weight difference {worst:.2e}")
    assert worst < 1e-6


def main():
    torch.set_num_threads(1)
    nets = train_lora.load_networks()
    tensors, metadata = safetensors_file.read(os.path.join(train_lora.SHIPPED, f"{train_lora.NAME}.safetensors"))
    check_peft_matches(nets, tensors)
    ids = torch.tensor([captions.CaptionTokenizer(world.NOVEL_SHAPES).encode(PROMPT)], dtype=torch.int32)
    latents = torch.randn(1, 4, 8, 8, generator=torch.Generator().manual_seed(21))
    timestep = torch.tensor([421.0])
    out = {
        "_comment": ("PyTorch outputs of models/toy-shapes with models/loras/toy-bar.safetensors merged into the weights "
                     "(W' = W + weight * alpha / rank * up @ down; convs as [out, in*k*k] matrices; the file's float16 values as "
                     "float32), written by tools/toy-model/lora_parity.py from the PyTorch networks rebuilt from the committed ONNX "
                     "export (recover.py). text_encoder: last_hidden_state of input_ids, first hidden_tokens tokens, and "
                     "pooler_output, per LoRA weight. unet: out_sample for sample, timestep and encoder_hidden_states (the text "
                     "encoder's whole last_hidden_state with the LoRA at weight 1), per LoRA weight, weight 0 being the base model. "
                     "Values rounded to 7 significant digits; a merge in float32 should match to 1e-4."),
        "lora": "models/loras/toy-bar.safetensors",
        "lora_rank": int(metadata["ss_network_dim"]),
        "lora_alpha": float(metadata["ss_network_alpha"]),
        "prompt": PROMPT,
        "input_ids": ids[0].tolist(),
        "hidden_tokens": HIDDEN_TOKENS,
        "text_encoder": {},
        "unet": {"sample_seed": 21, "sample": rounded(latents), "timestep": timestep.tolist(), "out_sample": {}},
    }
    with torch.no_grad():
        context = None
        for weight in (1.0, 0.5, 0.0):
            text_encoder, unet, count = merged(nets, tensors, weight)
            hidden, pooled = text_encoder(ids)
            if weight == 1.0:
                context = hidden
                out["unet"]["encoder_hidden_states"] = rounded(hidden)
                out["merged_layers"] = count
            if weight in WEIGHTS:
                out["text_encoder"][str(weight)] = {"last_hidden_state_first_tokens": rounded(hidden[:, :HIDDEN_TOKENS]),
                                                    "pooler_output": rounded(pooled)}
            out["unet"]["out_sample"][str(weight)] = rounded(unet(latents, timestep, context))
    base = torch.tensor(out["unet"]["out_sample"]["0.0"])
    for weight in WEIGHTS:
        change = float((torch.tensor(out["unet"]["out_sample"][str(weight)]) - base).abs().max())
        print(f"weight {weight}: UNet output moved by up to {change:.4f} from the base model's")
    with open(FIXTURE, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"{FIXTURE}: {os.path.getsize(FIXTURE) / 1e3:.0f} kB, {out['merged_layers']} layers merged")


if __name__ == "__main__":
    main()
