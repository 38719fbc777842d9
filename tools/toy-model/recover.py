"""Rebuilds PyTorch checkpoints (work/vae.pt, work/diffusion.pt) from the committed ONNX export, so a further
training stage can start from the committed model without rerunning the two hours of stages before it.

    python3 tools/toy-model/recover.py           # after `train.py tokenizer` (needs work/tokenizer)

torch.onnx.export keeps most parameter names but folds some (Linear weights become transposed `onnx::MatMul_*`,
GroupNorm scales become `onnx::Mul_*` of shape [C, 1, 1]). To map them back without guessing, each network
is built with distinct random weights and exported the same way as export.py does; since the node numbering
is deterministic, every initializer in that export is matched to the parameter whose values it holds, and the
same names in the committed export are read through that map. The diffusion checkpoint gets the exported EMA
weights as both live and EMA weights, and no optimizer state (a stage resumed from it starts a fresh one).
"""
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
import export  # noqa: E402
import train  # noqa: E402
from nets import TextEncoder, UNet, VaeDecoder, VaeEncoder  # noqa: E402


def randomise(module, seed):
    """Distinct values in every parameter, so each exported initializer matches exactly one of them."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))


def initializers(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def match_initializers(module, exported):
    """name -> (parameter name, how to turn the stored array back into the parameter)."""
    found = {}
    params = {name: p.detach().numpy() for name, p in module.named_parameters()}
    for init_name, value in exported.items():
        for name, p in params.items():
            if value.shape == p.shape and np.array_equal(value, p):
                found[init_name] = (name, "same")
            elif value.ndim == 2 and value.T.shape == p.shape and np.array_equal(value.T, p):
                found[init_name] = (name, "transpose")
            elif value.size == p.size and value.shape != p.shape and np.array_equal(value.reshape(p.shape), p):
                found[init_name] = (name, "reshape")
            else:
                continue
            break
    missing = set(params) - {name for name, _ in found.values()}
    if missing:
        raise RuntimeError(f"parameters not found in the export: {sorted(missing)[:5]}")
    return found


def recover(module, export_fn, committed_path, seed):
    randomise(module, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.onnx")
        export_fn(module, path)
        mapping = match_initializers(module, initializers(path))
    committed = initializers(committed_path)
    state = {}
    for init_name, (name, how) in mapping.items():
        value = committed[init_name]
        target = dict(module.named_parameters())[name]
        value = value.T if how == "transpose" else value.reshape(target.shape)
        state[name] = torch.from_numpy(np.ascontiguousarray(value)).clone()
    missing, unexpected = module.load_state_dict(state, strict=False)
    # Only buffers may be missing (they are not trained; the fresh module already holds them).
    assert not unexpected and all(m not in dict(module.named_parameters()) for m in missing), (missing, unexpected)
    return module


def main():
    tokenizer = train.Tokenizer()
    ids = torch.tensor([tokenizer.encode(p) for p in export.PARITY_PROMPTS[:2]], dtype=torch.int32)
    latents = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(7))
    timestep = torch.tensor([999.0, 421.0])
    spatial = {0: "batch", 2: "height", 3: "width"}
    model = os.path.join(train.REPO, "models", "toy-shapes")
    text_encoder = TextEncoder(tokenizer.size, **train.TEXT).eval()
    context = torch.zeros(2, train.MAX_LENGTH, train.TEXT["width"])

    def export_text(m, path):
        export.export(m, (ids,), path, ["input_ids"], ["last_hidden_state", "pooler_output"],
                      {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}, "pooler_output": {0: "batch"}})

    def export_unet(m, path):
        export.export(m, (latents, timestep, context), path, ["sample", "timestep", "encoder_hidden_states"],
                      ["out_sample"], {"sample": spatial, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"},
                                       "out_sample": spatial})

    def export_decoder(m, path):
        export.export(m, (latents,), path, ["latent_sample"], ["sample"], {"latent_sample": spatial, "sample": spatial})

    def export_encoder(m, path):
        export.export(export.VaeEncoderOnnx(m), (torch.zeros(1, 3, 64, 64),), path, ["sample"], ["latent_sample"],
                      {"sample": spatial, "latent_sample": spatial})

    with torch.no_grad():
        text_encoder = recover(text_encoder, export_text, os.path.join(model, "text_encoder", "model.onnx"), 1)
        unet = recover(UNet(**train.UNET).eval(), export_unet, os.path.join(model, "unet", "model.onnx"), 2)
        decoder = recover(VaeDecoder().eval(), export_decoder, os.path.join(model, "vae_decoder", "model.onnx"), 3)
        encoder = recover(VaeEncoder().eval(), export_encoder, os.path.join(model, "vae_encoder", "model.onnx"), 4)
    check_against_fixture(tokenizer, text_encoder, unet, decoder, encoder)

    vae_config = json.load(open(os.path.join(model, "vae_decoder", "config.json")))
    index = json.load(open(os.path.join(model, "model_index.json")))
    os.makedirs(train.WORK, exist_ok=True)
    torch.save({"encoder": encoder.state_dict(), "decoder": decoder.state_dict()}, os.path.join(train.WORK, "vae.pt"))
    torch.save({
        "text_encoder": text_encoder.state_dict(), "unet": unet.state_dict(),
        "ema_text": text_encoder.state_dict(), "ema_unet": unet.state_dict(),
        "step": index["_atelier_toy_model"]["training_steps"], "vocab_size": tokenizer.size,
        "scaling_factor": vae_config["scaling_factor"],
    }, os.path.join(train.WORK, "diffusion.pt"))
    print(f"recovered work/vae.pt and work/diffusion.pt (step {index['_atelier_toy_model']['training_steps']})")


def check_against_fixture(tokenizer, text_encoder, unet, decoder, encoder):
    """The recovered networks must reproduce the PyTorch outputs written when the model was exported."""
    fixture = json.load(open(export.FIXTURE))
    ids = torch.tensor(fixture["input_ids"], dtype=torch.int32)
    latents = torch.tensor(fixture["unet"]["sample"]).reshape(3, 4, 8, 8)
    image = torch.tensor(fixture["vae_encoder"]["image"]).reshape(1, 3, 64, 64)
    with torch.no_grad():
        hidden, _ = text_encoder(ids)
        out = unet(latents, torch.tensor(fixture["unet"]["timestep"]), hidden)
        checks = {
            "unet": (out, fixture["unet"]["out_sample"]),
            "vae_decoder": (decoder(latents)[0], fixture["vae_decoder"]["sample"]),
            "vae_encoder": (encoder(image)[0], fixture["vae_encoder"]["latent_sample"]),
        }
    for name, (got, want) in checks.items():
        error = float((got.reshape(-1) - torch.tensor(want)).abs().max())
        print(f"{name}: max abs difference from the export-time outputs {error:.2e}")
        assert error < 1e-3, name


if __name__ == "__main__":
    main()
