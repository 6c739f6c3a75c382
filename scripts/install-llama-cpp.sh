#!/usr/bin/env bash
# Install llama-cpp-python into the project venv from a wheel built once on this machine.
#
# PyPI has no wheel for llama-cpp-python, and its default build segfaults at the first generation on CPUs with
# AMX (see README). We build it with portable CPU flags into a wheelhouse keyed by version + flags, outside the
# checkout, so fresh clones and later runs reuse it. pip's own wheel cache ignores CMAKE_ARGS, hence --no-cache-dir.
set -euo pipefail

venv=${1:?usage: install-llama-cpp.sh VENV}
version=0.3.36
sdist_sha256=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
cmake_args="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF"

key=$(printf '%s|%s' "$version" "$cmake_args" | sha256sum | cut -c1-16)
wheelhouse="${TREMPLIN_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/tremplin/wheels}/llama-cpp-python-$version-$key"

if ! compgen -G "$wheelhouse/llama_cpp_python-$version-*.whl" >/dev/null; then
    echo "Building llama-cpp-python $version once into $wheelhouse (about 5 minutes)..."
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    printf 'llama-cpp-python==%s --hash=sha256:%s\n' "$version" "$sdist_sha256" >"$tmp/req.txt"
    CMAKE_ARGS="$cmake_args" "$venv/bin/pip" wheel --quiet --no-cache-dir --no-deps --require-hashes \
        --no-binary llama-cpp-python -r "$tmp/req.txt" -w "$tmp/wheels"
    mkdir -p "$wheelhouse"
    mv "$tmp"/wheels/llama_cpp_python-*.whl "$wheelhouse/"
fi

"$venv/bin/uv" pip install --quiet --python "$venv/bin/python" --no-deps --no-index \
    --find-links "$wheelhouse" "llama-cpp-python==$version"
