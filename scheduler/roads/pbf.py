"""What an OpenStreetMap extract (.osm.pbf) says about itself: that it is one, and its box.

Only the first block of the file is read (the `OSMHeader` blob: a few hundred bytes), so a
wrong file is refused in milliseconds, before a tile build starts. The format is
https://wiki.openstreetmap.org/wiki/PBF_Format: a 4-byte big-endian length, a `BlobHeader`
message, then a `Blob` holding the `HeaderBlock` (raw or zlib), whose field 1 is the bounding
box in nanodegrees. A few lines of protobuf reading spare a protobuf dependency.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_HEADER_BYTES = 64 * 1024  # the format's own limit on a BlobHeader
NANO = 1e-9


class NotPbfError(ValueError):
    """The file is not an OpenStreetMap PBF extract."""


@dataclass(frozen=True)
class Box:
    """A longitude/latitude box; `contains` is inclusive."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


def read_box(path: Path) -> Box | None:
    """The extract's bounding box (None when its header has none); `NotPbfError` if no PBF."""
    try:
        with path.open("rb") as f:
            head = f.read(4)
            if len(head) < 4:
                raise NotPbfError(f"{path.name}: not an OpenStreetMap PBF file (too short)")
            (size,) = struct.unpack(">I", head)
            if not 0 < size <= MAX_HEADER_BYTES:
                raise NotPbfError(f"{path.name}: not an OpenStreetMap PBF file")
            header = dict(_fields(f.read(size)))
            if header.get(1) != b"OSMHeader":
                raise NotPbfError(f"{path.name}: not an OpenStreetMap PBF file (no OSMHeader)")
            data_size = header.get(3)
            if not isinstance(data_size, int) or data_size > 32 * 1024 * 1024:
                raise NotPbfError(f"{path.name}: not an OpenStreetMap PBF file (bad blob)")
            block = _blob_data(f.read(data_size), path)
    except OSError as exc:
        raise NotPbfError(f"{path}: cannot be read ({exc.strerror})") from None
    for number, value in _fields(block):
        if number == 1 and isinstance(value, bytes):
            box = dict(_fields(value))
            left, right, top, bottom = (_sint(box.get(k, 0)) * NANO for k in (1, 2, 3, 4))
            return Box(west=left, south=bottom, east=right, north=top)
    return None


def _blob_data(blob: bytes, path: Path) -> bytes:
    fields = dict(_fields(blob))
    raw, packed = fields.get(1), fields.get(3)
    if isinstance(raw, bytes):
        return raw
    if isinstance(packed, bytes):
        try:
            return zlib.decompress(packed)
        except zlib.error:
            raise NotPbfError(f"{path.name}: damaged OpenStreetMap PBF header") from None
    raise NotPbfError(f"{path.name}: OpenStreetMap PBF header in an unsupported compression")


def _sint(value: int | bytes) -> int:
    """Zig-zag decoding of a protobuf sint64."""
    n = value if isinstance(value, int) else 0
    return (n >> 1) ^ -(n & 1)


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: varints as int, length-delimited as bytes."""
    at = 0
    try:
        while at < len(data):
            key, at = _varint(data, at)
            number, kind = key >> 3, key & 7
            if kind == 0:
                value, at = _varint(data, at)
                yield number, value
            elif kind == 2:
                length, at = _varint(data, at)
                yield number, data[at : at + length]
                at += length
            elif kind in (1, 5):
                at += 8 if kind == 1 else 4
            else:
                raise NotPbfError("not an OpenStreetMap PBF file (bad protobuf)")
    except IndexError:
        raise NotPbfError("not an OpenStreetMap PBF file (truncated)") from None


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7
        if shift > 63:
            raise NotPbfError("not an OpenStreetMap PBF file (bad varint)")
