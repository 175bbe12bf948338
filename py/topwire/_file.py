"""FileItem: a file to upload, with the name and content type sent in its part.

A plain Python class (the native module reads its three attributes when it
converts parameters): nothing about it is TOP's, so it needs no Rust.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Union


class FileItem:
    """A file to upload (TOP's ``byte[]``), with the file name and content type
    sent in its part; plain ``bytes`` need neither. Immutable."""

    __slots__ = ("data", "filename", "content_type")
    __hash__ = None  # type: ignore[assignment]  # equal by value, like the data it holds

    data: bytes
    filename: Optional[str]
    content_type: Optional[str]

    def __init__(self, data: Union[bytes, bytearray, memoryview],
                 filename: Optional[str] = None, content_type: Optional[str] = None) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, bytearray or memoryview, not {type(data).__name__}")
        for name, value in (("filename", filename), ("content_type", content_type)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be str or None, not {type(value).__name__}")
        object.__setattr__(self, "data", bytes(data))
        object.__setattr__(self, "filename", filename)
        object.__setattr__(self, "content_type", content_type)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"FileItem is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"FileItem is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileItem):
            return NotImplemented
        return (self.data, self.filename, self.content_type) == (
            other.data, other.filename, other.content_type)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return (f"FileItem(<{len(self.data)} bytes>, filename={self.filename!r}, "
                f"content_type={self.content_type!r})")

    def __reduce__(self) -> Any:
        return (FileItem, (self.data, self.filename, self.content_type))
