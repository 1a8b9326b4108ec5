#!/usr/bin/env bash
# Install the peers that scripts/bench_peers.py times neurograph against, into the Python
# environment of $PYTHON (default: the `python` on PATH, e.g. an activated virtualenv):
#
# - FANN 2.2 from Debian (libfann-dev) and its Python binding fann2 1.1.2, which links
#   libdoublefann: FANN in double precision;
# - ffnet 0.8.6 (Fortran compiled by f2py at build time; needs gfortran).
#
# Debian or Ubuntu, as root; running it again changes nothing. Tested on Debian 12 with
# Python 3.11 and numpy 2.4:   bash scripts/install_peers.sh
set -euo pipefail

PYTHON=${PYTHON:-python}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 8)'

packages=()
for package in libfann-dev swig gfortran gcc g++; do
    dpkg -s "$package" > /dev/null 2>&1 || packages+=("$package")
done
if [ ${#packages[@]} -gt 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
fi

# ffnet imports scipy and networkx at run time without declaring them
"$PYTHON" -c 'import scipy, networkx' 2> /dev/null || "$PYTHON" -m pip install scipy networkx

# fann2's setup.py looks for libdoublefann in /lib, /usr/lib, /usr/lib64, /usr/local/lib and
# $PREFIX/lib only, not in Debian's multiarch folder (/usr/lib/x86_64-linux-gnu): without a
# link it stops with "Couldn't find FANN source libs!". The compiler itself finds the library.
if ! "$PYTHON" -c 'import fann2.libfann' 2> /dev/null; then
    multiarch=$(gcc -print-multiarch)
    ln -sf "/usr/lib/$multiarch/libdoublefann.so" /usr/local/lib/libdoublefann.so
    "$PYTHON" -m pip install fann2==1.1.2
fi

# ffnet 0.8.6 has no wheel: its setup.py runs `f2py -m _ffnet -c ffnet.f` from PATH. On
# Python < 3.12 f2py compiles through numpy.distutils, which fails with the setuptools of
# today ("Compiler.__init__() takes from 1 to 3 positional arguments but 4 were given"),
# so the wheel is built in a throwaway virtualenv with setuptools < 60 and the same numpy
# as the target, then installed with no dependencies. (Python >= 3.12 has no
# numpy.distutils: f2py builds with meson there, untested here.)
if ! "$PYTHON" -c 'import ffnet.fortran._ffnet' 2> /dev/null; then
    numpy_version=$("$PYTHON" -c 'import numpy; print(numpy.__version__)')
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    "$PYTHON" -m venv "$work/build"
    if "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
        "$work/build/bin/pip" install "numpy==$numpy_version" meson meson-python ninja \
            setuptools wheel
    else
        "$work/build/bin/pip" install "numpy==$numpy_version" "setuptools<60" wheel
    fi
    PATH="$work/build/bin:$PATH" "$work/build/bin/pip" wheel --no-deps --no-build-isolation \
        ffnet==0.8.6 -w "$work/wheels"
    "$PYTHON" -m pip install --no-deps "$work"/wheels/ffnet-0.8.6-*.whl
fi

"$PYTHON" -c 'import fann2.libfann, ffnet.fortran._ffnet; print("fann2 1.1.2 (libdoublefann) and ffnet 0.8.6 import")'
