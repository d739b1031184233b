# Reference only (not part of the product): PyTorch's throughput for BN-LeNet on synthetic data,
# the same figures as `staticnn bench` (train at batch 128, eval at batch 128 and 1), at each thread count.
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 docs/reference/pytorch_bench.py [SECONDS] [THREADS...]
import sys, time
import torch
from torch import nn

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3
thread_counts = [int(t) for t in sys.argv[2:]] or [1, 2]
torch.manual_seed(0)
net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2),
                    nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),
                    nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(), nn.Linear(120, 84),
                    nn.BatchNorm1d(84), nn.Sigmoid(), nn.Linear(84, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
X = torch.rand(128, 1, 28, 28)
Y = torch.randint(0, 10, (128,))

def rate(step, images):
    for _ in range(5): step()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds: step(); n += 1
    return n * images / (time.perf_counter() - t0)

def train_step():
    net.train()
    loss = loss_fn(net(X), Y)
    opt.zero_grad(); loss.backward(); opt.step()

for t in thread_counts:
    torch.set_num_threads(t)
    train = rate(train_step, 128)
    net.eval()
    with torch.no_grad():
        e128 = rate(lambda: net(X), 128)
        x1 = X[:1]
        e1 = rate(lambda: net(x1), 1)
    print(f'threads {t}: train batch 128 {train:.0f} images/s, eval batch 128 {e128:.0f} images/s, '
          f'eval batch 1 {e1:.0f} images/s', flush=True)
