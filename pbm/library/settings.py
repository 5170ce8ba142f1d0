"""``[indicators]`` of pbm.toml: the common threshold, the core library and the earlier years'
``out/`` folders — paths relative to the workspace; an option given on the command line wins."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pbm.errors import PbmError
from pbm.library.core import CoreLibrary, load_core_library


@dataclass
class LibrarySettings:
    common_min_departments: int = 2
    core_library: Path | None = None
    history: list[Path] = field(default_factory=list)
    nearest: int = 3

    @classmethod
    def from_config(cls, config, *, core: Path | None = None,
                    history: list[Path] | None = None) -> LibrarySettings:
        section = config.section("indicators")
        base = config.workspace or Path.cwd()

        def resolve(text: str) -> Path:
            path = Path(text).expanduser()
            return path if path.is_absolute() else base / path

        core_path = core if core is not None else (
            resolve(section["core_library"]) if section.get("core_library") else None)
        folders = list(history) if history else [resolve(t) for t in section.get("history", [])]
        settings = cls(int(section.get("common_min_departments", 2)), core_path, folders,
                       int(section.get("nearest", 3)))
        settings.check_history()
        return settings

    def load_core(self, limits=None) -> CoreLibrary | None:
        if self.core_library is None:
            return None
        if not self.core_library.is_file():
            raise PbmError("LIBRARY-FILE-MISSING", path=str(self.core_library),
                           what="核心指标库", what_en="core indicator library")
        from pbm.workbook.source import Limits

        return load_core_library(self.core_library, limits or Limits())

    def check_history(self) -> None:
        for folder in self.history:
            if not folder.exists():
                raise PbmError("LIBRARY-FILE-MISSING", path=str(folder),
                               what="往年输出文件夹", what_en="earlier year's out folder")
