"""Reference numbers for DPM-Solver++ 2M SDE, which ../shared/reference/schedulers.md has no fixture for.

    /usr/bin/python3 tools/torch-fixtures/dpmpp_sde_reference.py

An independent float64 implementation of diffusers' DPMSolverMultistepScheduler with
algorithm_type="sde-dpmsolver++" (dpmsolver_multistep.py: convert_model_output, dpm_solver_first_order_update,
multistep_dpm_solver_second_order_update), run on the diffusers test fixture (schedulers.md) with the fake model
x * t / (t + 1), starting from the sample itself, 10 steps, and fresh noise at every step from
torch.manual_seed(0) + torch.randn(shape) (what diffusers draws when step() gets that generator). Prints
sum |x| and mean |x| for the midpoint and heun solver types and Karras sigmas; test/diffusion/schedulers.test.ts
holds the printed numbers.
"""
import numpy as np
import torch


def betas_linear(start, end, n):
    return np.linspace(start, end, n, dtype=np.float64)


def fixture():
    b, c, h, w = np.meshgrid(np.arange(4), np.arange(3), np.arange(8), np.arange(8), indexing="ij")
    return (256 * c + 32 * h + 4 * w + b).astype(np.float64) / 768


def karras(sigma_min, sigma_max, n, rho=7.0):
    ramp = np.linspace(0, 1, n)
    return (sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho


def schedule(steps, use_karras):
    alphas_cumprod = np.cumprod(1.0 - betas_linear(0.0001, 0.02, 1000))
    train_sigmas = np.sqrt((1 - alphas_cumprod) / alphas_cumprod)
    timesteps = np.linspace(0, 999, steps + 1).round()[::-1][:-1].astype(np.int64)
    if use_karras:
        sigmas = karras(train_sigmas[0], train_sigmas[-1], steps)
        log_sigmas = np.log(train_sigmas)
        timesteps = np.array([np.interp(np.log(s), log_sigmas, np.arange(1000)) for s in sigmas]).round().astype(np.int64)
        sigmas = np.append(sigmas, 0.0)  # final_sigmas_type zero (with Karras sigma_min would repeat the last sigma)
    else:
        sigmas = np.append(train_sigmas[timesteps], train_sigmas[0])  # final_sigmas_type sigma_min
    return timesteps, sigmas


def alpha_sigma(sigma):
    alpha = 1 / np.sqrt(sigma**2 + 1)
    return alpha, sigma * alpha


def run(solver_type, use_karras):
    """Config: 1000 steps, betas 0.0001..0.02 linear, solver_order 2, lower_order_final false, euler_at_final
    false, timestep_spacing linspace, final_sigmas_type sigma_min (zero with Karras)."""
    timesteps, sigmas = schedule(10, use_karras)
    generator = torch.manual_seed(0)
    x = fixture()
    outputs = []
    for i, t in enumerate(timesteps):
        model = x * t / (t + 1)
        noise = torch.randn(x.shape, generator=generator).double().numpy()
        alpha_s0, sigma_s0 = alpha_sigma(sigmas[i])
        x0 = (x - sigma_s0 * model) / alpha_s0  # epsilon prediction -> data prediction
        outputs.append(x0)
        alpha_t, sigma_t = alpha_sigma(sigmas[i + 1])
        lam = lambda a, s: np.log(a) - np.log(s)  # noqa: E731
        h = lam(alpha_t, sigma_t) - lam(alpha_s0, sigma_s0)
        keep = sigma_t / sigma_s0 * np.exp(-h)
        drive = alpha_t * (1 - np.exp(-2 * h))
        diffuse = sigma_t * np.sqrt(1 - np.exp(-2 * h))
        # First order at the start (no earlier prediction) and, with final sigma zero, at the end (diffusers'
        # lower_order_final is forced then); otherwise second order.
        if i == 0 or sigmas[i + 1] == 0:
            x = keep * x + drive * x0 + diffuse * noise
        else:
            alpha_s1, sigma_s1 = alpha_sigma(sigmas[i - 1])
            r0 = (lam(alpha_s0, sigma_s0) - lam(alpha_s1, sigma_s1)) / h
            d1 = (outputs[-1] - outputs[-2]) / r0
            if solver_type == "midpoint":
                c1 = 0.5 * drive
            else:
                c1 = alpha_t * ((1 - np.exp(-2 * h)) / (-2 * h) + 1)
            x = keep * x + drive * x0 + c1 * d1 + diffuse * noise
    return timesteps, np.abs(x).sum(), np.abs(x).mean()


np.seterr(divide="ignore")  # log(0) at a final sigma of zero gives the infinite step size diffusers also takes


if __name__ == "__main__":
    for solver_type, use_karras in [("midpoint", False), ("heun", False), ("midpoint", True)]:
        timesteps, total, mean = run(solver_type, use_karras)
        print(f"{solver_type:8s} karras={use_karras!s:5s} timesteps {list(timesteps)} sum {total:.4f} mean {mean:.6f}")
