# Reference only (not part of the product): the PyTorch side of `staticnn import` / `export
# --safetensors`. Trains BN-LeNet (the same nn.Sequential as models::bn_lenet, module i = layer i)
# on the IDX files, saves its state_dict as safetensors with a writer of a few lines (no
# `safetensors` package needed), and writes its eval-mode logits of the 10,000 test images
# (float32, image after image) to compare with staticnn's:
#   /usr/bin/python3 docs/reference/pytorch_safetensors.py train DATA_DIR OUT_DIR [EPOCHS] [SEED]
#     -> OUT_DIR/bn_lenet.safetensors, OUT_DIR/torch_logits.f32
#   /usr/bin/python3 docs/reference/pytorch_safetensors.py compare DATA_DIR FILE.safetensors LOGITS.f32
#     loads a safetensors file (e.g. from staticnn export --safetensors) into the same nn.Sequential,
#     and prints the max |difference| between its eval-mode logits and LOGITS.f32, and the
#     predictions that differ.
import json, struct, sys
import numpy as np
import torch
from torch import nn

def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4])
    dims = struct.unpack('>' + 'I' * (magic & 0xff), data[4:4 + 4 * (magic & 0xff)])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)

def bn_lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                         nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(), nn.Linear(120, 84),
                         nn.BatchNorm1d(84), nn.Sigmoid(), nn.Linear(84, 10))

def save_safetensors(state, path):  # the whole format: u64 header length, JSON header, raw data
    header, blobs, at = {}, [], 0
    for name, t in state.items():
        if name.endswith('num_batches_tracked'): continue  # staticnn ignores it anyway
        b = t.detach().to(torch.float32).contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [at, at + len(b)]}
        blobs.append(b); at += len(b)
    h = json.dumps(header).encode(); h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))

def load_safetensors(path):  # F32/F64 only; enough for staticnn's files
    b = open(path, 'rb').read()
    n, = struct.unpack('<Q', b[:8]); header = json.loads(b[8:8 + n]); data = b[8 + n:]
    dt = {'F32': '<f4', 'F64': '<f8'}
    return {k: torch.from_numpy(np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]],
                                              dt[v['dtype']]).reshape(v['shape']).copy())
            for k, v in header.items() if k != '__metadata__'}

def logits(net, X):
    net.eval()
    with torch.no_grad():
        return torch.cat([net(X[i:i + 1000]) for i in range(0, len(X), 1000)]).numpy().astype('<f4')

torch.set_num_threads(2)
mode, d = sys.argv[1], sys.argv[2]
Xt = torch.tensor(idx(d + '/t10k-images-idx3-ubyte'), dtype=torch.float32).unsqueeze(1) / 255
Yt = idx(d + '/t10k-labels-idx1-ubyte')
if mode == 'train':
    out = sys.argv[3]
    epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    torch.manual_seed(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    X = torch.tensor(idx(d + '/train-images-idx3-ubyte'), dtype=torch.float32).unsqueeze(1) / 255
    Y = torch.tensor(idx(d + '/train-labels-idx1-ubyte'), dtype=torch.long)
    net, loss_fn = bn_lenet(), nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 128):
            b = perm[i:i + 128]
            loss = loss_fn(net(X[b]), Y[b])
            opt.zero_grad(); loss.backward(); opt.step()
        z = logits(net, Xt)
        print(f'epoch {epoch + 1}: test accuracy {(z.argmax(1) == Yt).mean():.4f}', flush=True)
    save_safetensors(net.state_dict(), out + '/bn_lenet.safetensors')
    z.tofile(out + '/torch_logits.f32')
    print(f'wrote {out}/bn_lenet.safetensors and {out}/torch_logits.f32 (test accuracy {(z.argmax(1) == Yt).mean():.4f})')
else:
    net = bn_lenet()
    missing, unexpected = net.load_state_dict(load_safetensors(sys.argv[3]), strict=False)
    assert not unexpected and all(k.endswith('num_batches_tracked') for k in missing), (missing, unexpected)
    z = logits(net, Xt)
    other = np.fromfile(sys.argv[4], '<f4').reshape(z.shape)
    print(f'max |logit difference| {np.abs(z - other).max():.3g} over {len(z)} images; '
          f'predictions differ on {(z.argmax(1) != other.argmax(1)).sum()}; '
          f'accuracy {(z.argmax(1) == Yt).mean():.4f} vs {(other.argmax(1) == Yt).mean():.4f}')
