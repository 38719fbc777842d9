"""Exports the trained toy-shapes model to models/toy-shapes/ in the diffusers ONNX layout, and writes the
PyTorch reference outputs that test/diffusion/toy-model.test.ts compares onnxruntime-node against.

    python3 tools/toy-model/export.py            # after train.py; reads tools/toy-model/work/

Layout (what diffusers' ONNX conversion writes for SD 1.x): model_index.json, scheduler/scheduler_config.json,
tokenizer/ (CLIP files), text_encoder/model.onnx, unet/model.onnx, vae_decoder/model.onnx, vae_encoder/model.onnx,
each with its config.json. The EMA weights are exported.
"""
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import train  # noqa: E402

OUT = os.path.join(train.REPO, "models", "toy-shapes")
FIXTURE = os.path.join(train.REPO, "test", "fixtures", "toy-shapes-parity.json")
OPSET = 14
PARITY_PROMPTS = ["a large green triangle on the right, black background", "", "tiny red circle in the top left corner, white background"]


class VaeEncoderOnnx(torch.nn.Module):
    """sample [-1, 1] -> latent_sample (the posterior mean, unscaled), as the diffusers ONNX vae_encoder."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, sample):
        return self.encoder(sample)[0]


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def export(module, args, path, input_names, output_names, dynamic_axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)


def main():
    """export.py [--candidate FOLDER] [--work FOLDER]: a candidate folder gets the model but no parity fixture
    (for trying a checkpoint with the test suite's analyser before it replaces the committed model); --work
    reads the checkpoints and tokenizer from another folder than work/ (train_hires.py's work/hires/)."""
    out = sys.argv[sys.argv.index("--candidate") + 1] if "--candidate" in sys.argv else OUT
    if "--work" in sys.argv:
        if out == OUT:
            raise SystemExit("--work exports a variant: give --candidate FOLDER too (models/toy-shapes stays as it is)")
        train.WORK = os.path.abspath(sys.argv[sys.argv.index("--work") + 1])
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count())))
    nets = train.load_trained()
    tokenizer = train.Tokenizer()
    text_encoder, unet, decoder, encoder = nets["text_encoder"], nets["unet"], nets["decoder"], nets["encoder"]
    scaling_factor = nets["scaling_factor"]

    staging = out + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(os.path.join(train.WORK, "tokenizer"), os.path.join(staging, "tokenizer"))
    ids = torch.tensor([tokenizer.encode(p) for p in PARITY_PROMPTS[:2]], dtype=torch.int32)
    latents = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(7))
    timestep = torch.tensor([999.0, 421.0])
    with torch.no_grad():
        export(text_encoder, (ids,), os.path.join(staging, "text_encoder", "model.onnx"), ["input_ids"],
               ["last_hidden_state", "pooler_output"], {"input_ids": {0: "batch"}, "last_hidden_state": {0: "batch"}, "pooler_output": {0: "batch"}})
        context, _ = text_encoder(ids)
        spatial = {0: "batch", 2: "height", 3: "width"}
        export(unet, (latents, timestep, context), os.path.join(staging, "unet", "model.onnx"),
               ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
               {"sample": spatial, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch"}, "out_sample": spatial})
        export(decoder, (latents,), os.path.join(staging, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
               {"latent_sample": spatial, "sample": spatial})
        export(VaeEncoderOnnx(encoder), (torch.zeros(1, 3, 64, 64),), os.path.join(staging, "vae_encoder", "model.onnx"),
               ["sample"], ["latent_sample"], {"sample": spatial, "latent_sample": spatial})
    write_configs(staging, tokenizer, scaling_factor, nets["step"])
    shutil.rmtree(out, ignore_errors=True)
    os.replace(staging, out)
    if out == OUT:
        write_parity_fixture(tokenizer, text_encoder, unet, decoder, encoder)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print(f"exported {out}: {size / 1e6:.1f} MB, scaling_factor {scaling_factor:.5f}, step {nets['step']}")


def write_configs(folder, tokenizer, scaling_factor, step):
    write_json(os.path.join(folder, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline",
        "_diffusers_version": "0.6.0",
        "_atelier_toy_model": {"world": "tools/toy-model/world.json", "training_steps": step},
        "feature_extractor": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["diffusers", "OnnxRuntimeModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "OnnxRuntimeModel"],
        "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
        "vae_encoder": ["diffusers", "OnnxRuntimeModel"],
    })
    write_json(os.path.join(folder, "scheduler", "scheduler_config.json"), {
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "beta_start": 0.00085, "clip_sample": False, "num_train_timesteps": 1000, "prediction_type": "epsilon",
        "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
    })
    width = train.TEXT["width"]
    write_json(os.path.join(folder, "text_encoder", "config.json"), {
        "architectures": ["CLIPTextModel"], "model_type": "clip_text_model", "hidden_act": "quick_gelu",
        "hidden_size": width, "intermediate_size": width * 4, "num_attention_heads": train.TEXT["heads"],
        "num_hidden_layers": train.TEXT["layers"], "max_position_embeddings": train.MAX_LENGTH,
        "vocab_size": tokenizer.size, "layer_norm_eps": 1e-5, "bos_token_id": tokenizer.start,
        "eos_token_id": tokenizer.end, "pad_token_id": tokenizer.end, "torch_dtype": "float32",
    })
    c0, c1 = train.UNET["channels"]
    write_json(os.path.join(folder, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "sample_size": 8, "in_channels": 4, "out_channels": 4,
        "block_out_channels": [c0, c1], "layers_per_block": 1, "cross_attention_dim": width,
        "attention_head_dim": train.UNET["heads"], "flip_sin_to_cos": True, "freq_shift": 0,
        "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
        "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    })
    vae_config = {
        "_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": 4, "sample_size": 64,
        "block_out_channels": [16, 32, 64, 96], "scaling_factor": round(scaling_factor, 5),
    }
    write_json(os.path.join(folder, "vae_decoder", "config.json"), vae_config)
    write_json(os.path.join(folder, "vae_encoder", "config.json"), vae_config)


def rounded(tensor):
    return [float(f"{v:.6g}") for v in tensor.reshape(-1).tolist()]


def write_parity_fixture(tokenizer, text_encoder, unet, decoder, encoder):
    """Inputs and PyTorch outputs for each component; small slices where a whole tensor would be large."""
    ids = torch.tensor([tokenizer.encode(p) for p in PARITY_PROMPTS], dtype=torch.int32)
    latents = torch.randn(3, 4, 8, 8, generator=torch.Generator().manual_seed(11))
    timestep = torch.tensor([999.0, 500.0, 1.0])
    image = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(12)) * 2 - 1
    with torch.no_grad():
        hidden, pooled = text_encoder(ids)
        out = unet(latents, timestep, hidden)
        decoded = decoder(latents)
        encoded = encoder(image)[0]
    write_json(FIXTURE, {
        "_source": "tools/toy-model/export.py (PyTorch outputs of the exported weights)",
        "prompts": PARITY_PROMPTS,
        "input_ids": ids.tolist(),
        "text_encoder": {"last_hidden_state_first_tokens": rounded(hidden[:, :8, :]), "pooler_output": rounded(pooled)},
        "unet": {"sample_seed": 11, "sample": rounded(latents), "timestep": timestep.tolist(), "out_sample": rounded(out)},
        "vae_decoder": {"sample": rounded(decoded[0, :, :, :])},
        "vae_encoder": {"image_seed": 12, "image": rounded(image), "latent_sample": rounded(encoded)},
    })


if __name__ == "__main__":
    main()
