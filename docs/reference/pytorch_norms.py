# Reference only (not part of the product): checks staticnn's normalization layers against
# PyTorch (float64, eps 1e-5): forward, input gradient and gamma/beta gradients, from the JSON
# lines written by norms_dump.cpp (see there for the commands). Debian: apt-get install python3-torch.
import json, sys, torch
torch.set_default_dtype(torch.float64)
worst = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    B, C, H, W = d['shape']
    x = torch.tensor(d['x']).reshape(B, C, H, W).requires_grad_()
    p = torch.tensor(d['params']); n = len(p) // 2
    gamma, beta = p[:n].clone().requires_grad_(), p[n:].clone().requires_grad_()
    name = d['name']
    if name.startswith('layer_norm'):
        shp = (C, H, W) if name == 'layer_norm' else (C,)
        xx = x if name == 'layer_norm' else x.reshape(B, C)
        y = torch.nn.functional.layer_norm(xx, shp, gamma.reshape(shp), beta.reshape(shp), eps=1e-5)
    elif name.startswith('group_norm'):
        G = int(name[-1])
        y = torch.nn.functional.group_norm(x, G, gamma, beta, eps=1e-5)
    else:
        y = torch.nn.functional.instance_norm(x, weight=gamma, bias=beta, eps=1e-5)
    dy = torch.tensor(d['dy']).reshape(y.shape)
    y.backward(dy)
    errs = [(y.detach().flatten() - torch.tensor(d['y'])).abs().max().item(),
            (x.grad.flatten() - torch.tensor(d['dx'])).abs().max().item(),
            (torch.cat([gamma.grad, beta.grad]) - torch.tensor(d['grad'])).abs().max().item()]
    print(name, 'max |diff| y %.3g dx %.3g grad %.3g' % tuple(errs))
    worst = max(worst, *errs)
print('worst', worst)
