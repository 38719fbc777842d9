"""Exports the trained toy-flow model to models/toy-flow/ in optimum's ONNX layout for Stable Diffusion 3.

    python3 tools/toy-flow/export_flow.py [--candidate FOLDER]     # after train_flow.py; reads tools/toy-flow/work/

Layout (as optimum exports SD3): model_index.json, scheduler/, tokenizer/ + text_encoder/ and tokenizer_2/ +
text_encoder_2/ (CLIP with projection and every layer's hidden states; here both are toy-shapes' text encoder),
tokenizer_3/ + text_encoder_3/ (T5), transformer/ (hidden_states, encoder_hidden_states, pooled_projections,
timestep -> out_hidden_states), vae_decoder/ and vae_encoder/ (16 latent channels; the encoder gives
latent_parameters, mean and log-variance). The EMA weights are exported. The T5 tokenizer's ids for a few
captions are checked against the project's own T5 tokenizer (Node) before anything is written.
"""
import json
import os
import shutil
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train_flow as tf  # noqa: E402
from export import export, write_json  # noqa: E402  (tools/toy-model/export.py, on the path train_flow set)

toy = tf.toy
OUT = os.path.join(toy.REPO, "models", "toy-flow")
CHECK_CAPTIONS = ["a large green triangle on the right, black background", "", "blue background, big red circle, at the top left"]


class ClipWithProjection(torch.nn.Module):
    """input_ids -> text_embeds, last_hidden_state, hidden_states.0..N, as optimum's CLIPTextModelWithProjection export."""

    def __init__(self, clip):
        super().__init__()
        self.clip = clip
        # CLIP's text_projection (no bias); the identity here, so text_embeds is the pooled output.
        self.text_projection = torch.nn.Linear(tf.CLIP_WIDTH, tf.CLIP_WIDTH, bias=False)
        with torch.no_grad():
            self.text_projection.weight.copy_(torch.eye(tf.CLIP_WIDTH))

    def forward(self, input_ids):
        states, final, pooled = tf.clip_states(self.clip, input_ids)
        return (self.text_projection(pooled), final, *states)


class VaeEncoderOnnx(torch.nn.Module):
    """sample [-1, 1] -> latent_parameters (mean and log-variance side by side), as optimum's current vae_encoder."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, sample):
        mean, logvar = self.encoder(sample)
        return torch.cat([mean, logvar], dim=1)


def check_t5_tokenizer(folder, tokenizer):
    """The ids training used must be the ids the server's tokenizer gives."""
    script = ("const { PromptTokenizer } = await import(process.argv[1]);"
              "const t = await PromptTokenizer.load(process.argv[2], 't5');"
              "console.log(JSON.stringify(Array.from(t.encode(JSON.parse(process.argv[3])).inputIds)));")
    module = os.path.join(toy.REPO, "dist", "src", "diffusion", "text", "tokenizer.js")
    out = subprocess.run(["node", "--input-type=module", "-e", script, module, folder, json.dumps(CHECK_CAPTIONS)],
                         check=True, capture_output=True, text=True).stdout
    got = json.loads(out)
    want = [i for caption in CHECK_CAPTIONS for i in tokenizer.encode(caption)]
    if got != want:
        raise SystemExit(f"the T5 tokenizer's ids differ from training's:\n  node   {got}\n  python {want}")


def main():
    out = sys.argv[sys.argv.index("--candidate") + 1] if "--candidate" in sys.argv else OUT
    torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count())))
    nets = tf.load_trained()
    clip_tokenizer, t5_tokenizer = toy.Tokenizer(), tf.T5Tokenizer()
    staging = out + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    for name in ("tokenizer", "tokenizer_2"):
        shutil.copytree(os.path.join(toy.WORK, "tokenizer"), os.path.join(staging, name))
    shutil.copytree(os.path.join(tf.WORK, "tokenizer_3"), os.path.join(staging, "tokenizer_3"))
    check_t5_tokenizer(os.path.join(staging, "tokenizer_3"), t5_tokenizer)

    clip_ids = torch.tensor([clip_tokenizer.encode(c) for c in CHECK_CAPTIONS[:2]], dtype=torch.int64)
    t5_ids = torch.tensor([t5_tokenizer.encode(c) for c in CHECK_CAPTIONS[:2]], dtype=torch.int64)
    latents = torch.randn(2, tf.LATENT_CHANNELS, 8, 8, generator=torch.Generator().manual_seed(7))
    batch = {0: "batch_size"}
    spatial = {0: "batch_size", 2: "height", 3: "width"}
    clip_outputs = ["text_embeds", "last_hidden_state"] + [f"hidden_states.{i}" for i in range(toy.TEXT["layers"] + 1)]
    with torch.no_grad():
        clip = ClipWithProjection(nets["clip"]).eval()
        for name in ("text_encoder", "text_encoder_2"):
            export(clip, (clip_ids,), os.path.join(staging, name, "model.onnx"), ["input_ids"], clip_outputs,
                   {"input_ids": batch, **{o: batch for o in clip_outputs}})
        export(nets["t5"], (t5_ids,), os.path.join(staging, "text_encoder_3", "model.onnx"), ["input_ids"], ["last_hidden_state"],
               {"input_ids": batch, "last_hidden_state": batch})
        context, pooled = tf.sd3_conditioning(nets["clip"], nets["t5"], clip_ids.int(), t5_ids)
        export(nets["dit"], (latents, context, pooled, torch.tensor([1000.0, 500.0])), os.path.join(staging, "transformer", "model.onnx"),
               ["hidden_states", "encoder_hidden_states", "pooled_projections", "timestep"], ["out_hidden_states"],
               {"hidden_states": spatial, "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
                "pooled_projections": batch, "timestep": {0: "step"}, "out_hidden_states": spatial})
        export(nets["decoder"], (latents,), os.path.join(staging, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
               {"latent_sample": spatial, "sample": spatial})
        export(VaeEncoderOnnx(nets["encoder"]), (torch.zeros(1, 3, 64, 64),), os.path.join(staging, "vae_encoder", "model.onnx"),
               ["sample"], ["latent_parameters"], {"sample": spatial, "latent_parameters": spatial})
    write_configs(staging, nets, clip_tokenizer, t5_tokenizer)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(staging, out)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print(f"exported {out}: {size / 1e6:.1f} MB, step {nets['step']}, scaling_factor {nets['scaling_factor']:.5f}, shift_factor {nets['shift_factor']:.5f}")


def write_configs(folder, nets, clip_tokenizer, t5_tokenizer):
    write_json(os.path.join(folder, "model_index.json"), {
        "_class_name": "StableDiffusion3Pipeline",
        "_diffusers_version": "0.29.0.dev0",
        "_atelier_toy_model": {"world": "tools/toy-model/world.json", "training_steps": nets["step"], "objective": "rectified flow"},
        "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
        "text_encoder": ["transformers", "CLIPTextModelWithProjection"],
        "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
        "text_encoder_3": ["transformers", "T5EncoderModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "tokenizer_2": ["transformers", "CLIPTokenizer"],
        "tokenizer_3": ["transformers", "T5TokenizerFast"],
        "transformer": ["diffusers", "SD3Transformer2DModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    })
    write_json(os.path.join(folder, "scheduler", "scheduler_config.json"), {
        "_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.29.0.dev0", "num_train_timesteps": 1000, "shift": 3.0,
    })
    width = tf.CLIP_WIDTH
    for name in ("text_encoder", "text_encoder_2"):
        write_json(os.path.join(folder, name, "config.json"), {
            "architectures": ["CLIPTextModelWithProjection"], "model_type": "clip_text_model", "hidden_act": "quick_gelu",
            "hidden_size": width, "projection_dim": width, "intermediate_size": width * 4, "num_attention_heads": toy.TEXT["heads"],
            "num_hidden_layers": toy.TEXT["layers"], "max_position_embeddings": toy.MAX_LENGTH, "vocab_size": clip_tokenizer.size,
            "layer_norm_eps": 1e-5, "bos_token_id": clip_tokenizer.start, "eos_token_id": clip_tokenizer.end,
            "pad_token_id": clip_tokenizer.end, "torch_dtype": "float32",
        })
    write_json(os.path.join(folder, "text_encoder_3", "config.json"), {
        "architectures": ["T5EncoderModel"], "model_type": "t5", "d_model": tf.T5["width"], "d_ff": 2 * tf.T5["width"],
        "d_kv": tf.T5["width"] // tf.T5["heads"], "num_layers": tf.T5["layers"], "num_heads": tf.T5["heads"],
        "feed_forward_proj": "gated-gelu", "vocab_size": t5_tokenizer.size, "pad_token_id": t5_tokenizer.pad,
        "eos_token_id": t5_tokenizer.eos, "torch_dtype": "float32",
    })
    dit = tf.DIT
    write_json(os.path.join(folder, "transformer", "config.json"), {
        "_class_name": "SD3Transformer2DModel", "_diffusers_version": "0.29.0.dev0", "sample_size": 8, "patch_size": 2,
        "in_channels": dit["channels"], "out_channels": dit["channels"], "num_layers": dit["depth"],
        "attention_head_dim": dit["width"] // dit["heads"], "num_attention_heads": dit["heads"],
        "joint_attention_dim": dit["joint_attention_dim"], "caption_projection_dim": dit["width"],
        "pooled_projection_dim": dit["pooled_dim"], "pos_embed_max_size": dit["pos_max"],
    })
    vae_config = {
        "_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3, "latent_channels": tf.LATENT_CHANNELS, "sample_size": 64,
        "block_out_channels": list(tf.VAE_CHANNELS), "scaling_factor": round(nets["scaling_factor"], 5),
        "shift_factor": round(nets["shift_factor"], 5), "use_quant_conv": False, "use_post_quant_conv": False,
    }
    write_json(os.path.join(folder, "vae_decoder", "config.json"), vae_config)
    write_json(os.path.join(folder, "vae_encoder", "config.json"), vae_config)


if __name__ == "__main__":
    main()
