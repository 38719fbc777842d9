"""Reference numbers for the flow-matching samplers (SD3, FLUX), which ../shared/reference/schedulers.md has no
fixture for.

    /usr/bin/python3 tools/torch-fixtures/flow_match_reference.py

An independent float64 numpy implementation of what diffusers' FlowMatchEulerDiscreteScheduler and
FlowMatchHeunDiscreteScheduler compute (scheduling_flow_match_euler_discrete.py, scheduling_flow_match_heun_discrete.py)
and of DPM-Solver++ 2M on the same flow sigmas (data prediction x0 = x - sigma * v, lambda = log((1 - sigma) / sigma)),
written from the definitions rather than the classes: Heun as "Euler predictor, average of both slopes" and
DPM++ 2M as the exponential-integrator update. Run on the schedulers.md fixture with the fake velocity model

    v(x, t) = x * s / (s + 1),   s = t / 1000   (the sigma the model is told, through its timestep),

from the fixture itself (initNoiseSigma is 1), and for img2img from (1 - sigma) * fixture + sigma * noise at the
start step of diffusers' SD3/FLUX img2img pipelines (int(steps - steps * strength)). Prints the sigma and timestep
schedules and sum |x| / mean |x| of each result; test/diffusion/flow-schedulers.test.ts pins the printed numbers.
"""
import math

import numpy as np

T = 1000  # num_train_timesteps


def fixture(noise=False):
    b, c, h, w = np.meshgrid(np.arange(4), np.arange(3), np.arange(8), np.arange(8), indexing="ij")
    k = 256 * c + 32 * h + 4 * w + b
    return ((767 - k) if noise else k).astype(np.float64) / 768


def fake_velocity(x, t):
    s = t / T
    return x * s / (s + 1)


def flux_mu(image_seq_len, base_len=256, max_len=4096, base_shift=0.5, max_shift=1.15):
    """Straight line through (base_len, base_shift) and (max_len, max_shift), read at image_seq_len."""
    slope = (max_shift - base_shift) / (max_len - base_len)
    return base_shift + slope * (image_seq_len - base_len)


def shifted(s, shift=None, mu=None):
    """Static shift (SD3) s' = shift s / (1 + (shift - 1) s), or FLUX's s' = e^mu / (e^mu + 1/s - 1)."""
    if mu is not None:
        return math.exp(mu) / (math.exp(mu) + (1 / s - 1))
    return shift * s / (1 + (shift - 1) * s)


def schedule(steps, shift=None, mu=None, base=None):
    """(sigmas with the final 0, timesteps). The scheduler's own base grid runs from its training schedule's
    largest to smallest sigma; with a static shift the training sigmas are already shifted, so the smallest one
    (1/T shifted) is shifted once more here, as diffusers does."""
    if base is None:
        smallest = 1 / T if mu is not None else shifted(1 / T, shift=shift)
        base = np.linspace(1.0, smallest, steps)
    sigmas = shifted(np.asarray(base, dtype=np.float64), shift=shift, mu=mu)
    return np.append(sigmas, 0.0), sigmas * T


def euler(x, sigmas, start):
    for i in range(start, len(sigmas) - 1):
        x = x + (sigmas[i + 1] - sigmas[i]) * fake_velocity(x, sigmas[i] * T)
    return x


def heun(x, sigmas, start):
    """Predictor-corrector per step; the step to sigma 0 is a plain Euler step (its corrector would divide by 0)."""
    for i in range(start, len(sigmas) - 1):
        dt = sigmas[i + 1] - sigmas[i]
        slope = fake_velocity(x, sigmas[i] * T)
        if sigmas[i + 1] == 0:
            x = x + dt * slope
        else:
            predicted = x + dt * slope
            x = x + dt * (slope + fake_velocity(predicted, sigmas[i + 1] * T)) / 2
    return x


def half_log_snr(s):
    return np.log(1 - s) - np.log(s)  # -inf at s = 1, +inf at s = 0


def dpmpp_2m(x, sigmas, start):
    """x_t = (s_t / s_s) x + a_t (1 - e^-h) (D0 + D1 / 2), a = 1 - s, h = lambda_t - lambda_s, D0 = x - s v,
    D1 = (D0 - D0_prev) h / (lambda_s - lambda_prev); first order (D1 = 0) at the start and the step to 0."""
    previous = None
    for i in range(start, len(sigmas) - 1):
        s, t = sigmas[i], sigmas[i + 1]
        d0 = x - s * fake_velocity(x, s * T)
        h = half_log_snr(t) - half_log_snr(s)
        drive = d0
        if previous is not None and t != 0:
            r = (half_log_snr(s) - half_log_snr(sigmas[i - 1])) / h
            drive = d0 + (d0 - previous) / r / 2
        x = (t / s) * x + (1 - t) * -np.expm1(-h) * drive
        previous = d0
    return x


SAMPLERS = {"euler": euler, "heun": heun, "dpmpp_2m": dpmpp_2m}


def img2img_start(steps, strength):
    return int(max(steps - min(steps * strength, steps), 0))


def stats(x):
    return np.abs(x).sum(), np.abs(x).mean()


def fmt(values):
    return "[" + ", ".join(f"{v:.6f}" for v in values) + "]"


np.seterr(divide="ignore", invalid="ignore")  # lambda at sigma 1 and 0 is infinite; the updates take the limits

if __name__ == "__main__":
    mu = flux_mu((64 // 2) * (64 // 2))
    families = {"sd3": {"shift": 3.0}, "flux": {"mu": mu}}
    print(f"flux mu for a 64x64 latent (seq len 1024): {mu:.6f}")
    for name, kw in families.items():
        for steps in (4, 28):
            sigmas, timesteps = schedule(steps, **kw)
            shown = slice(None) if steps == 4 else slice(0, 4)
            print(f"{name} steps={steps} sigmas {fmt(sigmas[shown])} last {sigmas[-2]:.6f}")
            print(f"{name} steps={steps} timesteps {fmt(timesteps[shown])} last {timesteps[-1]:.6f}")
    sigmas, timesteps = schedule(4, mu=mu, base=np.linspace(1.0, 1 / 4, 4))
    print(f"flux pipeline base sigmas steps=4 sigmas {fmt(sigmas)} timesteps {fmt(timesteps)}")

    for name, kw in families.items():
        for steps in (4, 28):
            sigmas, _ = schedule(steps, **kw)
            for sampler, run in SAMPLERS.items():
                total, mean = stats(run(fixture(), sigmas, 0))
                print(f"txt2img {name:4s} steps={steps:2d} {sampler:8s} sum {total:.6f} mean {mean:.8f}")
    for name, kw in families.items():
        steps, strength = 28, 0.6
        start = img2img_start(steps, strength)
        sigmas, _ = schedule(steps, **kw)
        noised = (1 - sigmas[start]) * fixture() + sigmas[start] * fixture(noise=True)
        for sampler, run in SAMPLERS.items():
            total, mean = stats(run(noised, sigmas, start))
            print(f"img2img {name:4s} steps={steps} strength={strength} start={start} {sampler:8s} sum {total:.6f} mean {mean:.8f}")
