"""The notebook the renderer's end-to-end test opens holds exactly what display() emits."""
import json
import os
import unittest

import helpers  # noqa: F401  (puts the package on sys.path)

import attention_lens

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOK = os.path.join(ROOT, "test", "fixtures", "notebooks", "attention.ipynb")
FIXTURE = os.path.join(ROOT, "test", "fixtures", "attention-files", "bundled-model-parts.attention.safetensors")


class NotebookFixtureTest(unittest.TestCase):
    def test_saved_output_is_what_display_emits(self):
        with open(NOTEBOOK) as f:
            notebook = json.load(f)
        outputs = [o for cell in notebook["cells"] if cell["cell_type"] == "code" for o in cell["outputs"]]
        self.assertEqual(len(outputs), 1)
        saved = outputs[0]["data"]
        bundle = attention_lens.display(FIXTURE)._repr_mimebundle_()
        self.assertEqual(set(saved), {attention_lens.MIME_TYPE, "text/plain"})
        self.assertEqual(attention_lens.MIME_TYPE, "application/vnd.attention-lens.result+json")
        expected = bundle[attention_lens.MIME_TYPE]
        del expected["parts"]  # make_notebook.py leaves q/k/v/o out
        self.assertEqual(saved[attention_lens.MIME_TYPE], expected)
        self.assertEqual(saved["text/plain"], bundle["text/plain"])


if __name__ == "__main__":
    unittest.main()
