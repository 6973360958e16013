"""Builds spikegym._core with the project's CMake for `pip install --no-build-isolation .`
(pyproject.toml has the package's metadata). The module is CMake's target _core, built in a
folder of its own (the viewer left out), or in an existing, configured build folder named by
SPIKEGYM_CMAKE_BUILD_DIR (e.g. build/, which `make` made: nothing is compiled twice)."""

import glob
import os
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(ROOT, "build", "setuptools"), exist_ok=True)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("SPIKEGYM_CMAKE_BUILD_DIR")
        if build_dir:
            build_dir = os.path.abspath(build_dir)
            if not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
                raise RuntimeError(f"SPIKEGYM_CMAKE_BUILD_DIR={build_dir}: not a configured "
                                   "CMake build folder (run `make build` first)")
        else:
            build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir,
                                   "-DCMAKE_BUILD_TYPE=Release", "-DSPIKEGYM_VIEWER=OFF",
                                   "-DSPIKEGYM_PYTHON=ON"])
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "_core", "-j",
                               str(os.cpu_count() or 1)])
        built = glob.glob(os.path.join(build_dir, "python", "spikegym", "_core*.so"))
        if len(built) != 1:
            raise RuntimeError(f"{build_dir}/python/spikegym: expected one _core*.so, found "
                               f"{len(built)}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


# setuptools' own files go below build/ (git ignores it), not beside the sources.
setup(ext_modules=[Extension("spikegym._core", sources=[])], cmdclass={"build_ext": CMakeBuild},
      options={"build": {"build_base": "build/setuptools"},
               "egg_info": {"egg_base": "build/setuptools"}})
