"""A 1 GiB statement streams in flat memory.

The file is generated to disk in the test (about 50,000 entries of 21 KB: each carries ten
2 KB `RltdRmtInf` addresses the reader does not look into, so the parser does most of the work
and the test takes seconds). Resident memory is sampled after the first ~100 MB and at the end;
a reader that kept entries or elements would grow by hundreds of MB. Set
AVSTEM_CAMT_STREAM_MB to run another size.
"""

from __future__ import annotations

import os
from decimal import Decimal

from avstem.formats.camt import stream

SIZE_MB = int(os.environ.get("AVSTEM_CAMT_STREAM_MB", "1024"))

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
    "<GrpHdr><MsgId>BIG-1</MsgId><CreDtTm>2024-01-31T23:00:00</CreDtTm></GrpHdr>"
    "<Stmt><Id>BIG</Id><CreDtTm>2024-01-31T23:00:00</CreDtTm>"
    "<Acct><Id><IBAN>NO9386011117947</IBAN></Id><Ccy>NOK</Ccy></Acct>"
    '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">0.00</Amt>'
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>\n"
)
ADDRESS = "<RltdRmtInf><RmtLctnElctrncAdr>https://faktura.example.no/" + "a" * 2000 + "</RmtLctnElctrncAdr></RltdRmtInf>"
ENTRY = (
    '<Ntry><Amt Ccy="NOK">125.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    "<BookgDt><Dt>2024-01-15</Dt></BookgDt><BkTxCd/><NtryDtls><TxDtls>"
    "<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>" + ADDRESS * 10 + "<RltdPties><Dbtr><Nm>Kåre Ødegård</Nm></Dbtr></RltdPties>"
    "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>001002341236</Ref>"
    "</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
)
TAIL = (
    '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="NOK">{closing}</Amt>'
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-31</Dt></Dt></Bal></Stmt></BkToCstmrStmt></Document>\n"
)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_one_gigabyte_statement_streams_in_flat_memory(tmp_path):
    path = tmp_path / "big.xml"
    entry = ENTRY.encode()
    entry_bytes = len(entry)
    count = SIZE_MB * 2**20 // entry_bytes + 1
    batch = entry * 100
    with open(path, "wb") as f:  # written in chunks, never held whole
        f.write(HEAD.encode())
        for _ in range(count // 100):
            f.write(batch)
        f.write(entry * (count % 100))
        f.write(TAIL.format(closing=Decimal("125.50") * count).encode())
    size = path.stat().st_size
    assert size >= SIZE_MB * 2**20

    early_mark = max(1, 100 * 2**20 // entry_bytes)  # entries in the first ~100 MB
    seen = 0
    early_rss = None
    with stream(path) as camt:
        section = next(iter(camt))
        for entry in section:
            seen += 1
            if seen == early_mark:
                early_rss = _rss_mb()
            assert entry.transactions[0].kids[0].value == "001002341236"
        summary = section.summary
    final_rss = _rss_mb()
    path.unlink()

    assert seen == count
    assert summary.consistency.consistent is True  # the closing balance after 1 GiB of entries
    assert early_rss is not None
    growth = final_rss - early_rss
    assert growth < 20, f"memory grew {growth:.0f} MB between ~100 MB and {size / 2**20:.0f} MB read"
