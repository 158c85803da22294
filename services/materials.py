"""Uploaded application materials checked against a standard, no Django.

A material of the standard lists the formats it accepts (``pdf``, ``jpg``, ``png``, ``ofd``, ``docx``,
``doc``, ``xlsx``, ``zip``). An upload is accepted when its extension is one of them **and** its first
bytes look like that format (a cheap magic-number sniff, so a renamed ``.exe`` is refused), and it is
not larger than the limit (``SERVICES_MATERIAL_MAX_BYTES``, 10 MB by default) and not empty.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# format → (extensions, magic prefixes). OFD, DOCX, XLSX are ZIP containers.
_ZIP = (b"PK\x03\x04",)
FORMATS: dict[str, tuple[tuple[str, ...], tuple[bytes, ...]]] = {
    "pdf": (("pdf",), (b"%PDF-",)),
    "jpg": (("jpg", "jpeg"), (b"\xff\xd8\xff",)),
    "png": (("png",), (b"\x89PNG\r\n\x1a\n",)),
    "ofd": (("ofd",), _ZIP),
    "docx": (("docx",), _ZIP),
    "xlsx": (("xlsx",), _ZIP),
    "zip": (("zip",), _ZIP),
    "doc": (("doc",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}
FORMAT_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "ofd": "OFD", "docx": "Word(docx)", "xlsx": "Excel(xlsx)", "zip": "ZIP", "doc": "Word(doc)"}
SNIFF_BYTES = 16


class MaterialError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str
    format: str
    size: int


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def detect(head: bytes, name: str) -> str | None:
    """The format whose extension and magic both match, or None."""
    ext = extension(name)
    for fmt, (exts, magics) in FORMATS.items():
        if ext in exts and any(head.startswith(m) for m in magics):
            return fmt
    return None


def check_file(*, name: str, size: int, head: bytes, formats: list[str] | tuple[str, ...], max_bytes: int = DEFAULT_MAX_BYTES, label: str = "") -> CheckedFile:
    what = f"“{label}”" if label else "材料"
    allowed = [f for f in formats if f in FORMATS] or list(FORMATS)
    allowed_text = "、".join(FORMAT_LABELS[f] for f in allowed)
    if size <= 0:
        raise MaterialError("empty_file", f"{what}文件“{name}”为空")
    if size > max_bytes:
        raise MaterialError("file_too_large", f"{what}文件“{name}”大小为{size / 1048576:.1f}MB，超过{max_bytes / 1048576:.0f}MB上限")
    ext = extension(name)
    if not any(ext in FORMATS[f][0] for f in allowed):
        raise MaterialError("file_type", f"{what}文件“{name}”的类型不被接受，应为：{allowed_text}")
    fmt = detect(head, name)
    if fmt is None or fmt not in allowed:
        raise MaterialError("file_content", f"{what}文件“{name}”的内容与扩展名不符（不是有效的{FORMAT_LABELS.get(ext, ext.upper())}文件）")
    return CheckedFile(name=name, format=fmt, size=size)


def missing_mandatory(standard_materials: list[dict], provided_keys) -> list[dict]:
    """The mandatory materials of a standard not among ``provided_keys``, in the standard's order."""
    provided = set(provided_keys)
    return [m for m in standard_materials if m.get("mandatory") and m["key"] not in provided]
