"""dnspython as a query server for the DNS tests: reads one query a line on stdin,

    udp|tcp|doh PORT-or-URL NAME TYPE

and prints one JSON line for each: {"rcode": "NOERROR", "values": [...], "soa": bool}.
`udp` falls back to TCP when the answer is truncated, as a stub resolver does. One process
serves every query, so Python's start-up time is not part of any measurement.
"""
import json
import sys

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype


def ask(how, where, name, rdtype):
    query = dns.message.make_query(name, rdtype, use_edns=0)
    if how == "udp":
        response, _tcp = dns.query.udp_with_fallback(query, "127.0.0.1", port=int(where), timeout=3)
    elif how == "tcp":
        response = dns.query.tcp(query, "127.0.0.1", port=int(where), timeout=3)
    else:
        response = dns.query.https(query, where, verify=False, timeout=3, http_version=dns.query.HTTPVersion.H2)
    values = []
    for rrset in response.answer:
        for rdata in rrset:
            if rdata.rdtype == dns.rdatatype.TXT:
                values.append(b"".join(rdata.strings).decode())
            else:
                values.append(rdata.to_text())
    soa = any(rrset.rdtype == dns.rdatatype.SOA for rrset in response.authority)
    return {"rcode": dns.rcode.to_text(response.rcode()), "values": values, "soa": soa}


for line in sys.stdin:
    try:
        answer = ask(*line.split())
    except Exception as error:  # reported to the test, which fails on it
        answer = {"error": repr(error)}
    print(json.dumps(answer), flush=True)
