"""Bank file formats: camt.052/053/054 and pain.002 in, pain.001 out, Nets OCR in.

Pure Python (lxml, netsgiro); no Django import.
"""

from avstem.norway.kid import KID, InvalidKid, KidAlgorithm

__all__ = ["KID", "InvalidKid", "KidAlgorithm"]
