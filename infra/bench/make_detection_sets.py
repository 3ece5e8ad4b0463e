"""Evaluation sets for the deepfake check, made with NVIDIA's official code as an outside tool (not part of StyleFarm).

    /usr/bin/python3 infra/bench/make_detection_sets.py --repo /tmp/sg2ada --out DIR \
        --network a=modelkit/src/test/resources/fixtures/stylegan2-ada-A/network-snapshot.pkl \
        --network fashion=modelkit/src/main/resources/demo/fashion-mnist-32.pkl [--count 12] [--photos DIR]
        [--fashion-mnist /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz]

For each network NAME it writes DIR/NAME/pos/VARIANT/*.{png,jpg} and DIR/NAME/neg/SET/*.png:
  positives: G_ema renders of fresh seeds as generate.py makes them (z from RandomState(seed), truncation psi,
  noise mode const or random), then saved or perturbed the way images travel: PNG, JPEG at quality 80 or 90, resized
  up or down by up to 2x with nearest, bilinear, bicubic, Lanczos or box filters (Pillow);
  negatives: renders of other generators of the same architecture (the same G_kwargs under two other random
  initialisations, the official init, and G_ema with each weight tensor's elements shuffled), photographs, and for a
  single-channel network real Fashion-MNIST test images prepared as its training set was (28x28 padded to 32x32).
Every file name carries what made it; DIR/NAME/index.json lists them.
"""
import argparse
import gzip
import json
import os
import pickle
import sys

import numpy as np
import torch
from PIL import Image

VARIANTS = [
    # name, noise mode, psi range, perturbation
    ('const-psi1-png', 'const', (1.0, 1.0), 'png'),
    ('random-psi1-png', 'random', (1.0, 1.0), 'png'),
    ('random-psi0.5-1-png', 'random', (0.5, 1.0), 'png'),
    ('const-psi0.5-1-jpeg80', 'const', (0.5, 1.0), 'jpeg80'),
    ('random-psi0.5-1-jpeg80', 'random', (0.5, 1.0), 'jpeg80'),
    ('random-psi0.5-1-jpeg90', 'random', (0.5, 1.0), 'jpeg90'),
    ('random-up2-bicubic', 'random', (0.5, 1.0), 'up2-bicubic'),
    ('random-up2-nearest', 'random', (0.5, 1.0), 'up2-nearest'),
    ('random-up1.5-lanczos-jpeg80', 'random', (0.5, 1.0), 'up1.5-lanczos+jpeg80'),
    ('random-down2-bilinear', 'random', (0.5, 1.0), 'down2-bilinear'),
    ('random-down2-lanczos', 'random', (0.5, 1.0), 'down2-lanczos'),
    ('random-down2-box', 'random', (0.5, 1.0), 'down2-box'),
    ('const-down2-bicubic', 'const', (0.5, 1.0), 'down2-bicubic'),
]
FILTERS = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC,
           'lanczos': Image.LANCZOS, 'box': Image.BOX}


def load(tree, path):
    sys.path.insert(0, tree)
    import torch_utils.persistence as persistence
    source = open(os.path.join(tree, 'training', 'networks.py'), encoding='utf-8-sig').read()

    def restore(meta):
        if meta.module_src.startswith('# module source omitted'):
            meta.module_src = source
        return meta

    persistence.import_hook(restore)
    with open(path, 'rb') as f:
        return pickle.load(f)['G_ema'].eval().requires_grad_(False).float()


def render(G, seed, psi, noise_mode):
    z = torch.from_numpy(np.random.RandomState(seed).randn(1, G.z_dim))
    c = torch.zeros([1, G.c_dim])
    torch.manual_seed(seed)  # noise_mode random draws from torch's generator: repeatable per seed
    img = G(z, c, truncation_psi=psi, noise_mode=noise_mode)
    img = (img.permute(0, 2, 3, 1) * 127.5 + 128).clamp(0, 255).to(torch.uint8)[0].numpy()
    return Image.fromarray(img[:, :, 0], 'L') if img.shape[2] == 1 else Image.fromarray(img, 'RGB')


def perturb(img, how):
    """Returns (image, extension, save options) for a perturbation such as 'down2-box' or 'up1.5-lanczos+jpeg80'."""
    ext, opts = 'png', {}
    for step in how.split('+'):
        if step.startswith('jpeg'):
            ext, opts = 'jpg', {'quality': int(step[4:])}
        elif step.startswith(('up', 'down')):
            factor, filt = step.split('-')
            f = float(factor[2:]) if factor.startswith('up') else 1 / float(factor[4:])
            size = (max(1, round(img.width * f)), max(1, round(img.height * f)))
            img = img.resize(size, FILTERS[filt])
    return img, ext, opts


def other_generators(G, tree):
    import copy
    from training.networks import Generator
    kwargs = dict(G.init_kwargs)
    out = {}
    for seed in (1, 2):
        torch.manual_seed(seed)
        out[f'other-init{seed}'] = Generator(**kwargs).eval().requires_grad_(False).float()
    shuffled = copy.deepcopy(G)
    gen = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for p in list(shuffled.parameters()) + [b for n, b in shuffled.named_buffers() if 'noise_const' in n]:
            flat = p.reshape(-1)
            flat.copy_(flat[torch.randperm(flat.numel(), generator=gen)])
    out['other-shuffled'] = shuffled
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repo', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--network', action='append', required=True, help='NAME=path to a network pickle')
    ap.add_argument('--count', type=int, default=12)
    ap.add_argument('--photos', default='modelkit/src/test/resources/photos')
    ap.add_argument('--fashion-mnist', default='/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz')
    args = ap.parse_args()
    for spec in args.network:
        name, path = spec.split('=', 1)
        G = load(args.repo, path)
        root = os.path.join(args.out, name)
        index = []

        def save(img, rel, ext='png', opts=None, **meta):
            p = os.path.join(root, rel + '.' + ext)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            img.save(p, **(opts or {}))
            index.append(dict(file=os.path.relpath(p, root), **meta))

        rng = np.random.RandomState(2026)
        for v, (variant, noise, (lo, hi), how) in enumerate(VARIANTS):
            for i in range(args.count):
                seed = 100_000 + 1000 * v + i
                psi = round(float(rng.uniform(lo, hi)), 3)
                img, ext, opts = perturb(render(G, seed, psi, noise), how)
                save(img, f'pos/{variant}/seed{seed}-psi{psi}', ext, opts, label=1, variant=variant, seed=seed,
                     psi=psi, noise_mode=noise, perturbation=how)
        for other, Gx in other_generators(G, args.repo).items():
            for i in range(args.count):
                seed = 200_000 + i
                noise = 'const' if i % 2 == 0 else 'random'
                psi = round(float(rng.uniform(0.5, 1.0)), 3)
                save(render(Gx, seed, psi, noise), f'neg/{other}/seed{seed}-{noise}', label=0, variant=other,
                     seed=seed, psi=psi, noise_mode=noise)
        for f in sorted(os.listdir(args.photos)):
            if f.startswith('photo-') and f.endswith('.png'):
                save(Image.open(os.path.join(args.photos, f)).convert('RGB'), f'neg/photos/{f[:-4]}', label=0,
                     variant='photos')
        if G.img_channels == 1 and os.path.exists(args.fashion_mnist):
            with gzip.open(args.fashion_mnist) as f:
                pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
            for i in np.random.RandomState(7).choice(len(pixels), 2 * args.count, replace=False):
                save(Image.fromarray(np.pad(pixels[i], 2), 'L'), f'neg/fashion-mnist/test{i:05d}', label=0,
                     variant='fashion-mnist', index=int(i))
        with open(os.path.join(root, 'index.json'), 'w') as f:
            json.dump(index, f, indent=1)
        print(f'{name}: {sum(e["label"] for e in index)} positives, '
              f'{sum(1 - e["label"] for e in index)} negatives in {root}')


if __name__ == '__main__':
    main()
