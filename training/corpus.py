"""Build the training corpus from source code that packages ship, pinned by version and hash.

Sources (both installed by training/setup.sh):
  * TypeScript: the npm package typescript@5.9.3 (lib/*.d.ts and the compiler, lib/typescript.js)
  * Python: Debian's libpython3.11-stdlib (/usr/lib/python3.11/**/*.py)

Writes work/corpus/{train,val}.txt and corpus-manifest.json (package versions, every file's
sha256 and split). Held-out files are chosen by a hash of their path, so the split is stable.
"""
import glob
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "corpus")
TS_DIR = os.path.join(ROOT, "node_modules", "typescript")
PY_DIR = "/usr/lib/python3.11"
VAL_PERCENT = 5
# Per-file cap keeps one huge file (typescript.js is 9 MB) from dominating the mix.
MAX_FILE_BYTES = 3_000_000
SEPARATOR = "\n\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_val(rel: str) -> bool:
    return int(sha256(rel.encode())[:8], 16) % 100 < VAL_PERCENT


def ts_files():
    with open(os.path.join(TS_DIR, "package.json")) as f:
        version = json.load(f)["version"]
    if version != "5.9.3":
        sys.exit(f"typescript {version} found; the corpus is pinned to 5.9.3 (npm install)")
    files = sorted(glob.glob(os.path.join(TS_DIR, "lib", "*.d.ts")))
    files.append(os.path.join(TS_DIR, "lib", "typescript.js"))
    return "npm:typescript@5.9.3", TS_DIR, files


def py_files():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libpython3.11-stdlib"],
                         capture_output=True, text=True, check=True).stdout.strip()
    files = sorted(
        p for p in glob.glob(os.path.join(PY_DIR, "**", "*.py"), recursive=True)
        if "/test/" not in p and "/tests/" not in p and "/idlelib/" not in p
        and "site-packages" not in p and "dist-packages" not in p
    )
    return f"deb:libpython3.11-stdlib={out}", PY_DIR, files


def main():
    os.makedirs(WORK, exist_ok=True)
    manifest = {"sources": [], "val_percent": VAL_PERCENT, "files": []}
    parts = {"train": [], "val": []}
    for source, base, files in (ts_files(), py_files()):
        manifest["sources"].append(source)
        for path in files:
            data = open(path, "rb").read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            text = text.replace("\r\n", "\n")[:MAX_FILE_BYTES]
            rel = os.path.relpath(path, base)
            split = "val" if is_val(source + "/" + rel) else "train"
            manifest["files"].append({"source": source, "path": rel, "sha256": sha256(data),
                                      "bytes": len(data), "split": split})
            parts[split].append(text)
    sizes = {}
    for split, texts in parts.items():
        blob = SEPARATOR.join(texts)
        with open(os.path.join(WORK, f"{split}.txt"), "w", encoding="utf-8") as f:
            f.write(blob)
        sizes[split] = len(blob.encode("utf-8"))
    manifest["bytes"] = sizes
    with open(os.path.join(HERE, "corpus-manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"corpus: {len(manifest['files'])} files, train {sizes['train']/1e6:.1f} MB, "
          f"val {sizes['val']/1e6:.1f} MB")


if __name__ == "__main__":
    main()
