#!/usr/bin/env python3
"""CPU cost of one projection step in NVIDIA's official stylegan2-ada-pytorch code.

What is measured, per config: one step of the optimisation that the official projector.py runs,
without its optimiser update (no Adam step, no noise renormalisation), i.e.
    img  = G.synthesis(ws, noise_mode='const')     # ws: leaf [1, num_ws, w_dim], requires_grad
    loss = ((img - target) ** 2).mean()            # on the raw [-1, 1] image, no VGG/LPIPS
    loss.backward()                                # grads reach ws and every noise_const buffer
with the noise_const buffers set to require grad as projector.py does; grads are cleared
(set to None) at the start of each step. The generator is randomly initialised (seed 0), float32,
eval mode, on CPU. Each config runs in a fresh process so peak_rss_mb (ru_maxrss) is its own.
With --forward-only the timed part is instead `G.synthesis(ws, noise_mode='const')` under
torch.no_grad(), and each line gets "measure": "forward_nograd".

On CPU the official custom ops take their reference paths (bias_act and upfirdn2d only build
their plugins for CUDA tensors; conv2d_gradfix is CUDA-only); the script checks that no plugin
build was attempted.

The official tree is not part of StyleFarm; export it somewhere and point --repo at it, e.g.
    git --git-dir=/work/.mirror/NVlabs+stylegan2-ada-pytorch/repo archive HEAD | tar -x -C /tmp/sg2ada
    /usr/bin/python3 infra/bench/torch_projection_step.py --repo /tmp/sg2ada --threads 1
It needs torch, numpy, scipy and requests (imported by the tree's dnnlib).

Prints one JSON line per config: config, resolution, ms_per_step_median, ms_per_step_mean,
threads, peak_rss_mb.
"""
import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time

# name: (z_dim, w_dim, mapping layers, resolution, channel_base, channel_max)
CONFIGS = {
    'tiny32': (64, 64, 4, 32, 1024, 64),
    'small64': (128, 128, 4, 64, 4096, 128),
    'paper256': (512, 512, 8, 256, 32768, 512),
}


def bench(repo, name, warmup, steps, threads, forward_only):
    sys.path.insert(0, repo)
    import torch
    from training.networks import Generator
    from torch_utils.ops import bias_act, upfirdn2d

    torch.set_num_threads(threads)
    z_dim, w_dim, layers, res, base, cmax = CONFIGS[name]
    torch.manual_seed(0)
    G = Generator(z_dim, 0, w_dim, res, 3, mapping_kwargs={'num_layers': layers},
                  synthesis_kwargs={'channel_base': base, 'channel_max': cmax,
                                    'num_fp16_res': 0, 'conv_clamp': 256}).eval().requires_grad_(False)
    with torch.no_grad():
        ws0 = G.mapping(torch.randn([1, z_dim]), None)
    ws = ws0.clone().requires_grad_(True)
    target = torch.rand([1, 3, res, res]) * 2 - 1
    noise_bufs = [buf for n, buf in G.synthesis.named_buffers() if 'noise_const' in n]
    for buf in noise_bufs:
        buf.requires_grad = True

    def step():
        if forward_only:
            with torch.no_grad():
                G.synthesis(ws, noise_mode='const')
            return
        for t in [ws] + noise_bufs:
            t.grad = None
        img = G.synthesis(ws, noise_mode='const')
        ((img - target) ** 2).mean().backward()

    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        step()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    assert forward_only or all(t.grad is not None for t in [ws] + noise_bufs)
    assert not bias_act._inited and not upfirdn2d._inited, 'a custom-op plugin build was attempted'
    out = {'config': name, 'resolution': res,
           'ms_per_step_median': round(statistics.median(times), 2),
           'ms_per_step_mean': round(statistics.mean(times), 2),
           'threads': torch.get_num_threads(),
           'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if forward_only:
        out['measure'] = 'forward_nograd'
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repo', required=True, help='extracted stylegan2-ada-pytorch tree')
    p.add_argument('--configs', default='tiny32,small64,paper256')
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--threads', type=int, default=os.cpu_count())
    p.add_argument('--forward-only', action='store_true', help='time a no-grad synthesis forward instead')
    a = p.parse_args()
    names = a.configs.split(',')
    unknown = set(names) - set(CONFIGS)
    if unknown:
        p.error(f'unknown configs: {sorted(unknown)}')
    ctx = multiprocessing.get_context('spawn')
    for name in names:
        with ctx.Pool(1) as pool:
            r = pool.apply(bench, (os.path.abspath(a.repo), name, a.warmup, a.steps, a.threads, a.forward_only))
        print(json.dumps(r), flush=True)


if __name__ == '__main__':
    main()
