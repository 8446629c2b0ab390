"""SPE workspace helper: SQL over the workspace's data, and saving outputs.

    import spe
    df = spe.sql("SELECT sex, count(*) AS n FROM ndb_claims GROUP BY sex")
    spe.save(df, "claims_by_sex.csv")
    t = spe.table("SELECT * FROM ndb_claims", rows=["sex"], columns=["age_band"],
                  person_id="person_id", name="persons_by_sex_age.csv")   # checked, in outputs/

spe.sql talks to the platform over the workspace's control socket (/run/spe/spe.sock); the
platform checks and logs every statement. Only read-only queries over the workspace's tables are
allowed. Results are capped; a capped result has .attrs['spe_truncated'] (DataFrame) or
.truncated (list) set to True.

Only the Python standard library is needed; pandas is used when it can be imported.
"""

import datetime
import getpass
import io
import json
import os
import re
import socket

__all__ = ["sql", "save", "table", "SpeError"]

SOCKET = os.environ.get("SPE_SOCKET", "/run/spe/spe.sock")
OUTPUTS = os.environ.get("SPE_OUTPUTS", "/outputs")
MAX_REQUEST_BYTES = 1 << 20
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

try:
    import pandas as _pd
except ImportError:  # pragma: no cover - depends on the image
    _pd = None


class SpeError(Exception):
    """The platform refused or failed a request; .category says why (INVALID_INPUT, LIMIT_EXCEEDED, ...)."""

    def __init__(self, message, category="INTERNAL"):
        super().__init__(message)
        self.category = category


class Rows(list):
    """A list of dicts (one per row) when pandas is missing; .columns, .query, .truncated."""

    columns = ()
    query = None
    truncated = False


def _request(payload, timeout=None):
    raw = _exchange(payload, timeout)
    answer = json.loads(raw.decode("utf-8"))
    if not answer.get("ok"):
        raise SpeError(answer.get("error", "request failed"), answer.get("category", "INTERNAL"))
    return answer


def _exchange(payload, timeout=None):
    """Sends one request and answers the raw bytes of the platform's answer."""
    data = (json.dumps(payload) + "\n").encode("utf-8")
    if len(data) > MAX_REQUEST_BYTES:
        raise SpeError("request larger than %d bytes" % MAX_REQUEST_BYTES, "LIMIT_EXCEEDED")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(SOCKET)
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the platform refused early; its answer may still be readable
        chunks = []
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw:
        raise SpeError("no answer from the platform", "UNAVAILABLE")
    return raw


# Spark SQL types that pandas' CSV reader may infer by itself (fast); every other column is read as text.
_INTEGERS = ("tinyint", "smallint", "int", "bigint")
_INFERRED = _INTEGERS + ("float", "double", "boolean")


def _sql_frame(query, max_rows):
    """spe.sql with pandas: rows come as compact CSV after a JSON header line and are parsed by pandas' C reader."""
    raw = _exchange({"op": "sql", "query": query, "maxRows": int(max_rows), "encoding": "csv"})
    header, _, body = raw.partition(b"\n")
    answer = json.loads(header.decode("utf-8"))
    if not answer.get("ok"):
        raise SpeError(answer.get("error", "request failed"), answer.get("category", "INTERNAL"))
    names = [c["name"] for c in answer["columns"]]
    types = [c["type"] for c in answer["columns"]]
    if body.strip():
        dtypes = {i: ("float64" if kind.startswith("decimal") else object) for i, kind in enumerate(types) if kind not in _INFERRED}
        frame = _pd.read_csv(io.BytesIO(body), header=None, dtype=dtypes, na_values=["\\N"], keep_default_na=False, engine="c")
        frame.columns = names
        # Integer columns with nulls come back as floats, boolean ones as objects: make them nullable types.
        for name, kind in zip(names, types):
            if kind in _INTEGERS and frame[name].dtype.kind == "f":
                frame[name] = frame[name].astype("Int64")
            elif kind == "boolean" and frame[name].dtype.kind == "O":
                frame[name] = frame[name].astype("boolean")
    else:
        frame = _pd.DataFrame({name: [] for name in names})
    for name, kind in zip(names, types):
        if kind == "date" or kind.startswith("timestamp"):
            frame[name] = _pd.to_datetime(frame[name], utc=kind.startswith("timestamp"))
    frame.attrs["spe_query"] = query
    frame.attrs["spe_truncated"] = bool(answer.get("truncated"))
    return frame


def sql(query, max_rows=100000):
    """Run one read-only SQL query over the workspace's tables.

    Returns a pandas DataFrame (or, without pandas, a list of dicts). Raises SpeError when the
    platform refuses the statement or it fails.
    """
    if not isinstance(query, str):
        raise TypeError("query must be a string")
    if _pd is not None:
        return _sql_frame(query, max_rows)
    answer = _request({"op": "sql", "query": query, "maxRows": int(max_rows)})
    names = [c["name"] for c in answer["columns"]]
    types = [c["type"] for c in answer["columns"]]
    rows = answer["rows"]
    truncated = bool(answer.get("truncated"))
    result = Rows(dict(zip(names, row)) for row in rows)
    result.columns = tuple(names)
    result.query = query
    result.truncated = truncated
    return result


def table(query, rows, columns=(), value=None, aggregation="count", person_id=None, name=None,
          facility=None, margins=False, suppress=False):
    """Make a disclosure-checked table of a query's rows with the platform's table function.

    The platform computes the table and, in the same Spark job, the risk evidence of every cell
    (persons, largest per-person contributions, facilities, ...), checks it under the permit's SDC
    profile and writes the table as `name` (.csv added) into outputs, ready for a release request.
    The evidence stays with the platform. person_id names the pseudonymous person column (without it
    each row counts as one person, and differencing against released tables cannot be checked).

    Returns a DataFrame (or a list of dicts) of the cells: labels, the value (None when suppressed),
    sdc_status and sdc_rules; .attrs['spe_path'] / .path and .attrs['spe_status'] / .status say
    where it was written and the table's verdict (PASS, REVIEW or FAIL).
    """
    if not isinstance(query, str):
        raise TypeError("query must be a string")
    if name is None:
        raise ValueError("name the table's file, e.g. name='persons_by_sex.csv'")
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith(".meta.json"):
        raise ValueError("name must be a plain file name of letters, digits, '.', '_' and '-'")
    payload = {"op": "table", "query": query, "name": name,
               "rows": [rows] if isinstance(rows, str) else list(rows),
               "columns": [columns] if isinstance(columns, str) else list(columns),
               "value": value, "aggregation": aggregation, "personId": person_id, "facility": facility,
               "margins": bool(margins), "suppress": bool(suppress)}
    answer = _request(payload)
    names = [c["name"] for c in answer.get("columns", [])]
    if _pd is not None:
        frame = _pd.DataFrame(answer.get("rows", []), columns=names)
        frame.attrs["spe_query"] = query
        frame.attrs["spe_path"] = answer.get("path")
        frame.attrs["spe_status"] = answer.get("status")
        return frame
    result = Rows(dict(zip(names, row)) for row in answer.get("rows", []))
    result.columns = tuple(names)
    result.query = query
    result.path = answer.get("path")
    result.status = answer.get("status")
    return result


def save(obj, name):
    """Write obj into the outputs directory as `name`, with `name`.meta.json beside it.

    DataFrames and lists of dicts are written as CSV, str as UTF-8 text, bytes as they are.
    Returns the path written. Files in outputs can later be requested for release.
    """
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith(".meta.json"):
        raise ValueError("name must be a plain file name of letters, digits, '.', '_' and '-'")
    path = os.path.join(OUTPUTS, name)
    query = None
    kind = type(obj).__name__
    if _pd is not None and isinstance(obj, _pd.DataFrame):
        obj.to_csv(path, index=False)
        query = obj.attrs.get("spe_query")
    elif isinstance(obj, (bytes, bytearray)):
        with open(path, "wb") as f:
            f.write(obj)
    elif isinstance(obj, str):
        with open(path, "w", encoding="utf-8") as f:
            f.write(obj)
    elif isinstance(obj, list) and all(isinstance(r, dict) for r in obj):
        import csv
        fields = list(getattr(obj, "columns", ()) or (obj[0].keys() if obj else ()))
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(obj)
        query = getattr(obj, "query", None)
    else:
        raise TypeError("save takes a DataFrame, a list of dicts, str or bytes, not %s" % kind)
    meta = {
        "name": name,
        "type": kind,
        "savedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "user": _user(),
        "workspace": os.environ.get("SPE_WORKSPACE"),
        "query": query,
    }
    with open(path + ".meta.json", "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
    return path


def _user():
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry, no USER
        return None
