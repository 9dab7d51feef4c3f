import unittest

import numpy as np

from helpers import SOURCE, words
from attention_lens._offsets import to_utf16, utf16_prefix


class OffsetsTest(unittest.TestCase):
    def test_code_points_become_utf16_code_units(self):
        tokens, offsets = words()
        pairs = to_utf16(offsets, SOURCE, len(tokens), "code_points", "offsets")
        utf16 = SOURCE.encode("utf-16-le")
        for token, (start, end) in zip(tokens, pairs):
            self.assertEqual(utf16[2 * start : 2 * end].decode("utf-16-le"), token)
        # After the emoji every offset moves by one code unit.
        emoji = tokens.index("🙂")
        self.assertEqual(pairs[emoji][1] - pairs[emoji][0], 2)
        self.assertEqual(pairs[emoji + 1][0], offsets[emoji + 1][0] + 1)

    def test_prefix(self):
        self.assertEqual(utf16_prefix("a🙂b").tolist(), [0, 1, 3, 4])
        self.assertEqual(utf16_prefix("").tolist(), [0])

    def test_batched_and_tensor_like_offsets(self):
        tokens, offsets = words()
        batched = np.asarray([offsets])
        self.assertEqual(to_utf16(batched, SOURCE, len(tokens), "code_points", "o").shape, (len(tokens), 2))

    def test_utf16_offsets_pass_through(self):
        pairs = to_utf16([(0, 1), (1, 3)], "a🙂", 2, "utf16", "o")
        self.assertEqual(pairs.tolist(), [[0, 1], [1, 3]])

    def test_offsets_that_do_not_fit(self):
        with self.assertRaisesRegex(ValueError, r"offsets\[1\] = \(5, 99\) does not fit the source text of 7 code points"):
            to_utf16([(0, 1), (5, 99)], "abcdefg", 2, "code_points", "offsets")
        with self.assertRaisesRegex(ValueError, r"\(3, 2\)"):
            to_utf16([(3, 2)], "abcdefg", 1, "code_points", "offsets")
        with self.assertRaisesRegex(ValueError, "need the source text"):
            to_utf16([(0, 1)], None, 1, "code_points", "offsets")
        with self.assertRaisesRegex(ValueError, "3 pairs for 2 tokens"):
            to_utf16([(0, 1), (1, 2), (2, 3)], "abc", 2, "code_points", "offsets")
        with self.assertRaisesRegex(ValueError, "offsets_unit"):
            to_utf16([(0, 1)], "abc", 1, "bytes", "offsets")


if __name__ == "__main__":
    unittest.main()
