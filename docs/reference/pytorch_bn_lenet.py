# Reference only (not part of the product): the seed recipe in PyTorch on the same IDX files, to
# compare accuracy and speed side by side. Debian: apt-get install python3-torch.
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 docs/reference/pytorch_bn_lenet.py DATA_DIR SEED [THREADS] [MODEL] [UPDATE_BN]
# UPDATE_BN = N > 0: after each epoch, torch.optim.swa_utils.update_bn over the epoch's first N
# minibatches (what staticnn train --bn-recalibrate N does; staticnn's default is 50).
import sys, time, struct
import numpy as np
import torch
from torch import nn

def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack('>I', data[:4])
    dims = struct.unpack('>' + 'I' * (magic & 0xff), data[4:4 + 4 * (magic & 0xff)])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)

d, seed = sys.argv[1], int(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
bn = (sys.argv[4] if len(sys.argv) > 4 else 'bn-lenet') == 'bn-lenet'
update_bn = int(sys.argv[5]) if len(sys.argv) > 5 else 0
torch.set_num_threads(threads)
torch.manual_seed(seed)
X = torch.tensor(idx(d + '/train-images-idx3-ubyte'), dtype=torch.float32).unsqueeze(1) / 255
Y = torch.tensor(idx(d + '/train-labels-idx1-ubyte'), dtype=torch.long)
Xt = torch.tensor(idx(d + '/t10k-images-idx3-ubyte'), dtype=torch.float32).unsqueeze(1) / 255
Yt = torch.tensor(idx(d + '/t10k-labels-idx1-ubyte'), dtype=torch.long)
B = lambda n, two_d: (nn.BatchNorm2d(n) if two_d else nn.BatchNorm1d(n)) if bn else nn.Identity()
net = nn.Sequential(nn.Conv2d(1, 6, 5), B(6, 1), nn.Sigmoid(), nn.AvgPool2d(2),
                    nn.Conv2d(6, 16, 5), B(16, 1), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                    nn.Linear(256, 120), B(120, 0), nn.Sigmoid(), nn.Linear(120, 84), B(84, 0),
                    nn.Sigmoid(), nn.Linear(84, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(10):
    net.train()
    t0 = time.time()
    perm = torch.randperm(len(X))
    tl, tc = 0.0, 0
    for i in range(0, len(X), 128):
        idx_b = perm[i:i + 128]
        out = net(X[idx_b])
        loss = loss_fn(out, Y[idx_b])
        opt.zero_grad(); loss.backward(); opt.step()
        tl += loss.item() * len(idx_b); tc += (out.argmax(1) == Y[idx_b]).sum().item()
    t1 = time.time()
    if update_bn > 0:
        torch.optim.swa_utils.update_bn([X[perm[i:i + 128]] for i in range(0, 128 * update_bn, 128)], net)
    net.eval()
    with torch.no_grad():
        acc = sum((net(Xt[i:i + 1000]).argmax(1) == Yt[i:i + 1000]).sum().item() for i in range(0, len(Xt), 1000)) / len(Xt)
    print(f'epoch {epoch + 1} train loss {tl / len(X):.4f} train acc {tc / len(X):.4f} test acc {acc:.4f} '
          f'{len(X) / (t1 - t0):.0f} img/s', flush=True)
