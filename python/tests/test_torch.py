"""PyTorch inputs: real modules' attention weights, saved as they come back."""
import os
import tempfile
import unittest

import numpy as np

from helpers import words
import attention_lens

try:
    import torch
except ImportError:  # torch is optional
    torch = None


@unittest.skipIf(torch is None, "PyTorch is not installed (optional): the torch inputs are not tested")
class TorchTest(unittest.TestCase):
    def setUp(self):
        torch.set_num_threads(1)
        torch.manual_seed(0)
        self.dir = tempfile.TemporaryDirectory()
        self.tokens, _ = words()
        self.t = len(self.tokens)

    def tearDown(self):
        self.dir.cleanup()

    def test_multihead_attention_per_head_weights(self):
        mha = torch.nn.MultiheadAttention(16, 4, batch_first=True)
        x = torch.randn(1, self.t, 16)
        with torch.no_grad():
            _, per_head = mha(x, x, x, need_weights=True, average_attn_weights=False)
            _, averaged = mha(x, x, x, need_weights=True)
        path = attention_lens.save(os.path.join(self.dir.name, "m.attention.safetensors"), self.tokens, [per_head, per_head[0]])
        file = attention_lens.load(path)
        self.assertEqual([a.shape for a in file.attention], [(4, self.t, self.t)] * 2)
        np.testing.assert_allclose(file.attention[0], per_head[0].numpy(), atol=0)
        # The default head average is one matrix per layer: saved as one head.
        path = attention_lens.save(os.path.join(self.dir.name, "a.attention.safetensors"), self.tokens, [averaged])
        self.assertEqual(attention_lens.load(path).attention[0].shape, (1, self.t, self.t))

    def test_mixed_head_counts_are_refused(self):
        mha = torch.nn.MultiheadAttention(16, 4, batch_first=True)
        x = torch.randn(1, self.t, 16)
        with torch.no_grad():
            _, per_head = mha(x, x, x, need_weights=True, average_attn_weights=False)
            _, averaged = mha(x, x, x, need_weights=True)
        with self.assertRaisesRegex(ValueError, "all layers must match"):
            attention_lens.save(os.path.join(self.dir.name, "m.attention.safetensors"), self.tokens, [per_head, averaged])

    def test_half_precision_and_grad_tensors(self):
        scores = torch.randn(1, 2, self.t, self.t, requires_grad=True)
        weights = torch.softmax(scores, dim=-1)
        for dtype in (torch.float16, torch.bfloat16):
            path = attention_lens.save(os.path.join(self.dir.name, "h.attention.safetensors"), self.tokens, (weights.to(dtype),))
            file = attention_lens.load(path)
            self.assertLess(float(np.abs(file.attention[0] - weights[0].detach().numpy()).max()), 4e-3)


if __name__ == "__main__":
    unittest.main()
