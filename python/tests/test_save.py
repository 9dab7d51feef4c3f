import json
import os
import struct
import tempfile
import unittest

import numpy as np

from helpers import SOURCE, softmax_attention, words
import attention_lens


class SaveTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tokens, self.offsets = words()
        self.t = len(self.tokens)

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_hugging_face_tuple_round_trips_in_both_forms(self):
        layers = tuple(softmax_attention((1, 3, self.t, self.t), seed=i, causal=True) for i in range(2))
        for name in ("run.attention.safetensors", "run.attention.json"):
            path = attention_lens.save(self.path(name), self.tokens, layers, offsets=self.offsets, source=SOURCE, model="gpt2", source_file="add.py")
            file = attention_lens.load(path)
            self.assertEqual(len(file.attention), 2)
            tolerance = 0 if name.endswith("safetensors") else 5e-7
            for saved, original in zip(file.attention, layers):
                self.assertEqual(saved.shape, (3, self.t, self.t))
                self.assertLessEqual(float(np.abs(saved - original[0]).max()), tolerance)
            model = file.header["model"]
            self.assertEqual((model["name"], model["layers"], model["heads"], model["causal"]), ("gpt2", 2, 3, True))
            self.assertEqual(file.header["source"], {"startOffset": 0, "text": SOURCE, "file": "add.py"})
            self.assertEqual(file.tokens, self.tokens)

    def test_binary_layout_is_aligned_safetensors(self):
        layers = [softmax_attention((2, self.t, self.t), seed=3)]
        path = attention_lens.save(self.path("a.attention.safetensors"), self.tokens, layers)
        with open(path, "rb") as f:
            data = f.read()
        (length,) = struct.unpack("<Q", data[:8])
        self.assertEqual((8 + length) % 8, 0, "tensor data starts 8-byte aligned")
        table = json.loads(data[8 : 8 + length])
        self.assertEqual(table["attention.0"], {"dtype": "F32", "shape": [2, self.t, self.t], "data_offsets": [0, 2 * self.t * self.t * 4]})
        header = json.loads(table["__metadata__"]["attention-lens"])
        self.assertEqual(header["format"], "attention-lens/safetensors@1")
        self.assertEqual(len(data), 8 + length + 2 * self.t * self.t * 4, "no bytes after the last tensor")
        self.assertFalse(header["model"]["causal"], "full attention is not causal")

    def test_float16(self):
        layers = [softmax_attention((2, self.t, self.t), seed=4)]
        path = attention_lens.save(self.path("h.attention.safetensors"), self.tokens, layers, dtype="float16")
        file = attention_lens.load(path)
        self.assertLess(float(np.abs(file.attention[0] - layers[0]).max()), 2**-11)
        full = attention_lens.save(self.path("f.attention.safetensors"), self.tokens, layers)
        self.assertEqual(os.path.getsize(full) - os.path.getsize(path), 2 * self.t * self.t * 2, "2 bytes per weight instead of 4")

    def test_accepted_layer_shapes(self):
        t = self.t
        full = softmax_attention((2, 1, 4, t, t), seed=5)
        for attentions in (full, list(full), [x[0] for x in full], full[:, 0]):
            file = attention_lens.load(attention_lens.save(self.path("s.attention.safetensors"), self.tokens, attentions))
            self.assertEqual([a.shape for a in file.attention], [(4, t, t)] * 2)
        # One averaged matrix per layer, as nn.MultiheadAttention returns by default.
        file = attention_lens.load(attention_lens.save(self.path("m.attention.safetensors"), self.tokens, [full[0, 0].mean(axis=0)]))
        self.assertEqual(file.attention[0].shape, (1, t, t))

    def test_cross_attention_with_key_tokens_and_parts(self):
        keys = ["la", "somme", "de", "a", "et", "b"]
        layers = [softmax_attention((1, 2, self.t, len(keys)), seed=6)]
        rng = np.random.default_rng(0)
        q = [rng.normal(size=(2, self.t, 8))]
        k = [rng.normal(size=(2, len(keys), 8))]
        path = attention_lens.save(self.path("x.attention.safetensors"), self.tokens, layers, key_tokens=keys, layout="encoder-decoder",
                                   key_source="la somme de a et b", key_offsets=[(0, 2), (3, 8), (9, 11), (12, 13), (14, 16), (17, 18)], q=q, k=k)
        file = attention_lens.load(path)
        self.assertEqual(file.key_tokens, keys)
        self.assertEqual(file.attention[0].shape, (2, self.t, len(keys)))
        self.assertEqual(file.header["model"]["layout"], "encoder-decoder")
        self.assertFalse(file.header["model"]["causal"])
        self.assertEqual(sorted(file.parts), ["k", "q"])
        self.assertLess(float(np.abs(file.parts["k"][0] - k[0]).max()), 1e-6)
        self.assertEqual(file.header["keyTokens"][1], {"index": 1, "text": "somme", "special": False, "start": 3, "end": 8})

    def test_bad_input_is_refused_with_a_clear_message(self):
        t = self.t
        good = softmax_attention((1, 2, t, t), seed=7)
        cases = [
            (dict(attentions=[good, softmax_attention((1, 3, t, t))]), r"attentions\[1\] has shape \[3, \d+, \d+\] but attentions\[0\] has \[2"),
            (dict(attentions=[np.concatenate([good, good])]), "batch of 2"),
            (dict(attentions=[None]), "attn_implementation='eager'"),
            (dict(attentions=[good[:, :, :-1]]), "queries but there are"),
            (dict(attentions=[good[:, :, :, :-1]]), "pass key_tokens"),
            (dict(attentions=[good * 2]), r"sum to 2, not 1"),
            (dict(attentions=[np.where(good > 0.5, np.nan, good)]), "check the masking"),
            (dict(attentions=[good - good]), "sum to 0"),
            (dict(attentions=[good], offsets=self.offsets), "need the source text"),
            (dict(attentions=[good], model={"name": "m", "layout": "moe"}), "layout must be one of"),
            (dict(attentions=[]), "empty"),
            (dict(attentions=[good], q=[np.zeros((2, t + 1, 4))]), r"q must be per layer"),
        ]
        for kwargs, message in cases:
            attentions = kwargs.pop("attentions")
            with self.subTest(message=message), self.assertRaisesRegex(ValueError, message):
                attention_lens.save(self.path("bad.attention.safetensors"), self.tokens, attentions, **kwargs)

    def test_display_emits_the_notebook_mime_type(self):
        layers = [softmax_attention((1, 2, self.t, self.t), seed=8)]
        shown = attention_lens.display(self.tokens, layers, offsets=self.offsets, source=SOURCE, model="m")
        bundle = shown._repr_mimebundle_()
        self.assertEqual(set(bundle), {attention_lens.MIME_TYPE, "text/plain"})
        value = bundle[attention_lens.MIME_TYPE]
        self.assertEqual(value["format"], "attention-lens/result@1")
        self.assertEqual(len(value["attention"][0][1][3]), self.t)
        self.assertAlmostEqual(sum(value["attention"][0][1][3]), 1, places=5)
        json.dumps(value)  # what Jupyter stores in the .ipynb
        self.assertIn("1 layers x 2 heads", bundle["text/plain"])
        self.assertEqual(set(shown._repr_mimebundle_(include=["text/plain"])), {"text/plain"})
        path = attention_lens.save(self.path("d.attention.safetensors"), self.tokens, layers)
        self.assertEqual(attention_lens.display(path).to_json()["tokens"][0]["text"], self.tokens[0])


if __name__ == "__main__":
    unittest.main()
