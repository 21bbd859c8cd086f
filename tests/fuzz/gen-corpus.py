#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the hand-made seed corpus of the fuzz targets (tests/fuzz/corpus/).

Seeds are named seed-<what>; files merged back by `scripts/fuzz.sh --merge`
(SHA-1 names) and crash reproducers (crash-<what>) live beside them and are
left alone.  Messages are written here rather than by hand so that every line
ends in an exact CRLF and every Content-Length is right (except where a seed
is about a wrong one).

Run from anywhere: tests/fuzz/gen-corpus.py
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def msg(start, headers, body="", content_length=True, cl_value=None):
    """A SIP message: start line, headers (strings, CRLF added), body."""
    body_bytes = body.encode("utf-8") if isinstance(body, str) else body
    lines = [start] + list(headers)
    if content_length:
        n = len(body_bytes) if cl_value is None else cl_value
        lines.append("Content-Length: %s" % n)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body_bytes


def crlf(text):
    """Body text with CRLF line ends (SDP, multipart)."""
    return text.strip("\n").replace("\n", "\r\n") + "\r\n"


SDP_OFFER = crlf("""
v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.101
s=-
c=IN IP4 192.0.2.101
t=0 0
m=audio 49170 RTP/AVP 111 0 8 101
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=sendrecv
a=ice-ufrag:F7gI
a=ice-pwd:x9cml/YzichV2+XlhiMu8g
a=candidate:1 1 UDP 2130706431 192.0.2.101 49170 typ host
a=candidate:2 1 UDP 1694498815 203.0.113.7 61665 typ srflx raddr 192.0.2.101 rport 49170
""")

SDP_ANSWER = crlf("""
v=0
o=bob 2808844564 2808844564 IN IP4 192.0.2.201
s=-
c=IN IP4 192.0.2.201
t=0 0
m=audio 3456 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=sendrecv
""")

SDP_IPV6 = crlf("""
v=0
o=alice 2890844526 2890844526 IN IP6 2001:db8::101
s=-
c=IN IP6 2001:db8::101
t=0 0
m=audio 49170 RTP/SAVP 0
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32
a=rtpmap:0 PCMU/8000
""")

PIDF = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf"
    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
    xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"
    entity="sip:alice@example.com">
  <tuple id="t8a9c">
    <status><basic>open</basic></status>
    <contact priority="0.8">sip:alice@192.0.2.101:5060</contact>
    <note xml:lang="en">On the phone \u2014 back soon</note>
  </tuple>
  <dm:person id="p1"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person>
</presence>
"""

DIALOG_INFO = """<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="partial" entity="sip:bob@example.com">
  <dialog id="as7d900as8" call-id="a84b4c76e66710" local-tag="1928301774" direction="initiator">
    <state>confirmed</state>
  </dialog>
</dialog-info>
"""

MWI = crlf("""
Messages-Waiting: yes
Message-Account: sip:alice@vmail.example.com
Voice-Message: 2/8 (0/2)
""")

MULTIPART = crlf("""
--boundary1
Content-Type: application/sdp

v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.101
s=-
c=IN IP4 192.0.2.101
t=0 0
m=audio 49170 RTP/AVP 0
--boundary1
Content-Type: application/resource-lists+xml
Content-Disposition: recipient-list

<?xml version="1.0" encoding="UTF-8"?>
<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">
  <list><entry uri="sip:bill@example.com"/><entry uri="sip:joe@example.org"/></list>
</resource-lists>
--boundary1--
""")

VIA_A = "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds"
FROM_A = "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774"
TO_B = "To: Bob <sip:bob@biloxi.example.com>"
TO_B_TAG = "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf"
CALLID = "Call-ID: a84b4c76e66710@pc33.atlanta.example.com"
CONTACT_A = "Contact: <sip:alice@pc33.atlanta.example.com>"


def dialog(cseq, method, to=TO_B, via=VIA_A):
    return [via, "Max-Forwards: 70", to, FROM_A, CALLID, "CSeq: %d %s" % (cseq, method)]


def resp(code, reason, method="INVITE", cseq=1, extra=(), body="", to=TO_B_TAG):
    headers = [
        "Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3",
        VIA_A + ";received=192.0.2.1",
        to, FROM_A, CALLID, "CSeq: %d %s" % (cseq, method),
    ] + list(extra)
    return msg("SIP/2.0 %d %s" % (code, reason), headers, body)


MESSAGES = {
    # --- registration -----------------------------------------------------
    "register-initial": msg("REGISTER sip:registrar.biloxi.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;rport;branch=z9hG4bKnashds7",
        "Max-Forwards: 70",
        "To: Bob <sip:bob@biloxi.example.com>",
        "From: Bob <sip:bob@biloxi.example.com>;tag=456248",
        "Call-ID: 843817637684230@998sdasdh09",
        "CSeq: 1826 REGISTER",
        "Contact: <sip:bob@192.0.2.4>",
        "Expires: 7200",
        "User-Agent: Tincan/0.1",
    ]),
    "register-digest-auth": msg("REGISTER sip:sip.example.net SIP/2.0", [
        "Via: SIP/2.0/TCP 192.168.1.23:50412;rport;branch=z9hG4bK.Kt8pZqVbW4;alias",
        "Max-Forwards: 70",
        'From: "Alice Liddell" <sip:alice@sip.example.net>;tag=8Tz3dQwE1',
        'To: "Alice Liddell" <sip:alice@sip.example.net>',
        "Call-ID: 5Fq2hLmR0xJc7Vb9nW4tYp",
        "CSeq: 22 REGISTER",
        'Contact: <sip:alice@192.168.1.23:50412;transport=tcp;ob>;+sip.instance="<urn:uuid:6d1f4c0a-2b7e-4f4e-9a7c-3e1b2c9d8f01>";reg-id=1;expires=3600',
        'Authorization: Digest username="alice", realm="sip.example.net", nonce="Yc3kTgAAAAC5vP9m3iU0ZJzJd2a3fQ1xUeVn7A", '
        'uri="sip:sip.example.net", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, '
        'cnonce="0a4f113b", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001',
        "Supported: path, outbound, gruu",
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, NOTIFY, SUBSCRIBE, REFER, UPDATE, PRACK, INFO",
        "Expires: 3600",
    ]),
    "register-sha256-userhash": msg("REGISTER sips:example.com SIP/2.0", [
        "Via: SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK-524287-1---8d0c0c8a",
        "Max-Forwards: 70",
        "From: <sips:carol@example.com>;tag=1",
        "To: <sips:carol@example.com>",
        "Call-ID: reg-sha@2001:db8::1",
        "CSeq: 2 REGISTER",
        "Contact: <sips:carol@[2001:db8::1]:5061>;expires=600;q=0.7",
        'Authorization: Digest username="488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec", '
        'realm="api@example.org", uri="sips:example.com", algorithm=SHA-512-256, '
        'nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", '
        'qop=auth, response="ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd", '
        'opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true',
    ]),
    "register-unregister-all": msg("REGISTER sip:biloxi.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds8",
        "Max-Forwards: 70",
        "To: Bob <sip:bob@biloxi.example.com>",
        "From: Bob <sip:bob@biloxi.example.com>;tag=456248",
        "Call-ID: 843817637684230@998sdasdh09",
        "CSeq: 1828 REGISTER",
        "Contact: *",
        "Expires: 0",
    ]),
    "register-401": resp(401, "Unauthorized", "REGISTER", 1826, [
        'WWW-Authenticate: Digest realm="biloxi.example.com", qop="auth,auth-int", algorithm=SHA-256, '
        'nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", stale=FALSE',
        'WWW-Authenticate: Digest realm="biloxi.example.com", qop="auth", algorithm=MD5, '
        'nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque=""',
        "Server: Kamailio (5.6.4 (x86_64/linux))",
    ]),
    "register-200-gruu": resp(200, "OK", "REGISTER", 2, [
        'Contact: <sip:alice@192.0.2.101;transport=tcp;ob>;expires=3600;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";'
        'reg-id=1;pub-gruu="sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6";'
        'temp-gruu="sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@example.com;gr"',
        "Contact: <sip:alice@198.51.100.7:5060>;expires=120;q=0.1, <sip:alice@[2001:db8::7]>;expires=60",
        "Path: <sip:pcscf.example.com;lr;ob>",
        "Service-Route: <sip:orig@scscf.example.com;lr>",
        "Require: outbound",
        "Supported: gruu, path",
        "Date: Sat, 13 Nov 2010 23:29:00 GMT",
    ]),
    "register-423": resp(423, "Interval Too Brief", "REGISTER", 3, ["Min-Expires: 1800"]),
    # --- INVITE dialogs ---------------------------------------------------
    "invite-sdp": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", dialog(314159, "INVITE") + [
        CONTACT_A,
        "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, UPDATE, PRACK",
        "Supported: replaces, timer, 100rel",
        "User-Agent: Tincan/0.1",
        "Content-Type: application/sdp",
        "Content-Disposition: session",
    ], SDP_OFFER),
    "invite-proxy-auth-routes": msg("INVITE sip:bob@biloxi.example.com;user=phone SIP/2.0", [
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9",
        "Max-Forwards: 70",
        "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr;ftag=1928301774>",
        "Route: <sip:[2001:db8::1]:5070;transport=tcp;lr>",
        FROM_A, TO_B, CALLID,
        "CSeq: 2 INVITE",
        "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>",
        'Proxy-Authorization: Digest username="alice", realm="atlanta.example.com", '
        'nonce="wf84f1ceczx41ae6cbe5aea9c8e88d359", opaque="", uri="sip:bob@biloxi.example.com;user=phone", '
        'response="42ce3cef44b22f50c6a6071bc8"',
        "Content-Type: application/sdp",
    ], SDP_OFFER),
    "invite-replaces": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", dialog(1, "INVITE") + [
        CONTACT_A,
        "Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only",
        'Referred-By: "Carol" <sip:carol@chicago.example.com>;cid="20398823.2UWQFN309shb3@referrer.example"',
        "Require: replaces",
        "Content-Type: application/sdp",
    ], SDP_OFFER),
    "invite-session-timer": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", dialog(7, "INVITE") + [
        CONTACT_A,
        "Session-Expires: 1800;refresher=uac",
        "Min-SE: 90",
        "Supported: timer",
        "Content-Type: application/sdp",
    ], SDP_OFFER),
    "invite-sips-tls-ipv6-sdp": msg("INVITE sips:bob@[2001:db8::20]:5061 SIP/2.0", [
        "Via: SIP/2.0/TLS [2001:db8::10]:5061;branch=z9hG4bKas3-111;received=[2001:db8::9:1];rport=5061",
        "Max-Forwards: 70",
        "From: <sips:alice@[2001:db8::10]>;tag=abc",
        "To: <sips:bob@[2001:db8::20]>",
        "Call-ID: ipv6-1@[2001:db8::10]",
        "CSeq: 1 INVITE",
        "Contact: <sips:alice@[2001:db8::10]:5061;transport=tls>",
        "Content-Type: application/sdp",
    ], SDP_IPV6),
    "invite-tel-uri": msg("INVITE tel:+1-201-555-0123;phone-context=+1 SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-tel",
        "Max-Forwards: 69",
        "From: <tel:+12015550100>;tag=t1",
        "To: <tel:+1-201-555-0123>",
        "Call-ID: tel-uri-1",
        "CSeq: 1 INVITE",
        "Contact: <sip:+12015550100@192.0.2.1;user=phone>",
        "P-Asserted-Identity: <tel:+12015550100>",
    ]),
    "invite-multipart": msg("INVITE sip:conf-fact@example.com SIP/2.0", dialog(1, "INVITE") + [
        CONTACT_A,
        "Require: recipient-list-invite",
        'Content-Type: multipart/mixed;boundary="boundary1"',
    ], MULTIPART),
    "100-trying": resp(100, "Trying", to=TO_B),
    "180-ringing": resp(180, "Ringing", extra=[
        "Record-Route: <sip:server10.biloxi.example.com;lr>",
        "Contact: <sip:bob@192.0.2.4>",
    ]),
    "183-progress-100rel": resp(183, "Session Progress", extra=[
        "Require: 100rel",
        "RSeq: 813520",
        "Contact: <sip:bob@192.0.2.4>",
        "Content-Type: application/sdp",
    ], body=SDP_ANSWER),
    "200-invite-many-vias": msg("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bKnashds8;received=192.0.2.3",
        "Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds ;received=192.0.2.1",
        "Record-Route: <sip:server10.biloxi.example.com;lr>",
        "Record-Route: <sip:bigbox3.site3.atlanta.example.com;lr>, <sip:edge.atlanta.example.com;lr;r2=on>",
        TO_B_TAG, FROM_A, CALLID,
        "CSeq: 314159 INVITE",
        "Contact: <sip:bob@192.0.2.4>",
        "Content-Type: application/sdp",
    ], SDP_ANSWER),
    "ack": msg("ACK sip:bob@192.0.2.4 SIP/2.0", dialog(314159, "ACK", TO_B_TAG) + [
        "Route: <sip:bigbox3.site3.atlanta.example.com;lr>",
    ]),
    "bye": msg("BYE sip:alice@pc33.atlanta.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10",
        "Max-Forwards: 70",
        "From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
        "To: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
        CALLID,
        "CSeq: 231 BYE",
        "Reason: Q.850;cause=16;text=\"Normal call clearing\"",
    ]),
    "cancel": msg("CANCEL sip:bob@biloxi.example.com SIP/2.0", dialog(314159, "CANCEL")),
    "401-invite": resp(401, "Unauthorized", extra=[
        'WWW-Authenticate: Digest realm="atlanta.example.com", domain="sip:ss1.example.com", '
        'qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
    ]),
    "407-proxy-auth": resp(407, "Proxy Authentication Required", extra=[
        'Proxy-Authenticate: Digest realm="atlanta.example.com", qop="auth", nonce="wf84f1ceczx41ae6cbe5aea9c8e88d359", '
        'opaque="", stale=TRUE, algorithm=MD5',
    ]),
    "422-session-interval": resp(422, "Session Interval Too Small", extra=["Min-SE: 1800"]),
    "486-busy-retry-after": resp(486, "Busy Here", extra=[
        "Retry-After: 120 (in a meeting) ;duration=3600",
        "Warning: 399 biloxi.example.com \"Bob is busy\"",
    ]),
    "503-retry-after": resp(503, "Service Unavailable", extra=["Retry-After: 30"]),
    "603-decline-reason-utf8": resp(603, "D\u00e9clin\u00e9 \u2014 occup\u00e9"),
    "update-session-expires": msg("UPDATE sip:bob@192.0.2.4 SIP/2.0", dialog(8, "UPDATE", TO_B_TAG) + [
        CONTACT_A,
        "Session-Expires: 1800;refresher=uas",
        "Supported: timer",
    ]),
    "prack": msg("PRACK sip:bob@192.0.2.4 SIP/2.0", dialog(314160, "PRACK", TO_B_TAG) + [
        "RAck: 813520 314159 INVITE",
    ]),
    "info-dtmf": msg("INFO sip:bob@192.0.2.4 SIP/2.0", dialog(9, "INFO", TO_B_TAG) + [
        "Content-Type: application/dtmf-relay",
    ], "Signal=5\r\nDuration=160\r\n"),
    # --- events -----------------------------------------------------------
    "subscribe-presence": msg("SUBSCRIBE sip:bob@biloxi.example.com SIP/2.0", dialog(1, "SUBSCRIBE") + [
        CONTACT_A,
        "Event: presence",
        "Accept: application/pidf+xml, application/rpid+xml;q=0.5",
        "Allow-Events: presence, dialog, message-summary, refer",
        "Expires: 3600",
    ]),
    "subscribe-mwi": msg("SUBSCRIBE sip:alice@vmail.example.com SIP/2.0", dialog(4, "SUBSCRIBE") + [
        CONTACT_A,
        "Event: message-summary",
        "Accept: application/simple-message-summary",
        "Expires: 86400",
    ]),
    "202-accepted": resp(202, "Accepted", "SUBSCRIBE", 1, ["Expires: 3599", "Contact: <sip:bob@192.0.2.4>"]),
    "notify-pidf": msg("NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnotify1",
        "Max-Forwards: 70",
        "From: <sip:bob@biloxi.example.com>;tag=ffd2",
        "To: <sip:alice@atlanta.example.com>;tag=1928301774",
        CALLID,
        "CSeq: 20 NOTIFY",
        "Contact: <sip:bob@192.0.2.4>",
        "Event: presence",
        "Subscription-State: active;expires=3599",
        "Content-Type: application/pidf+xml",
    ], PIDF),
    "notify-dialog-info": msg("NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0", [
        "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKnotify2",
        "Max-Forwards: 70",
        "From: <sip:bob@biloxi.example.com>;tag=ffd3",
        "To: <sip:alice@atlanta.example.com>;tag=192830",
        "Call-ID: dlg-sub-1",
        "CSeq: 21 NOTIFY",
        "Event: dialog;id=sub-77",
        "Subscription-State: pending;expires=600",
        "Content-Type: application/dialog-info+xml",
    ], DIALOG_INFO),
    "notify-mwi-terminated": msg("NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP vmail.example.com;branch=z9hG4bKmwi",
        "Max-Forwards: 70",
        "From: <sip:alice@vmail.example.com>;tag=mwi1",
        "To: <sip:alice@atlanta.example.com>;tag=4",
        "Call-ID: mwi-1",
        "CSeq: 3 NOTIFY",
        "Event: message-summary",
        "Subscription-State: terminated;reason=timeout;retry-after=120",
        "Content-Type: application/simple-message-summary",
    ], MWI),
    "notify-refer-sipfrag": msg("NOTIFY sip:alice@pc33.atlanta.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnotify3",
        "Max-Forwards: 70",
        "From: <sip:bob@biloxi.example.com>;tag=a6c85cf",
        "To: <sip:alice@atlanta.example.com>;tag=1928301774",
        CALLID,
        "CSeq: 993809824 NOTIFY",
        "Event: refer;id=93809824",
        "Subscription-State: terminated;reason=noresource",
        "Content-Type: message/sipfrag;version=2.0",
    ], "SIP/2.0 200 OK\r\n"),
    "publish-pidf": msg("PUBLISH sip:alice@atlanta.example.com SIP/2.0", dialog(1, "PUBLISH",
                                                                           "To: <sip:alice@atlanta.example.com>") + [
        "Event: presence",
        "Expires: 3600",
        "SIP-If-Match: dx200xyz",
        "Content-Type: application/pidf+xml",
    ], PIDF),
    "200-publish-etag": resp(200, "OK", "PUBLISH", 1, ["SIP-ETag: kwj449x", "Expires: 1800"]),
    "message-text": msg("MESSAGE sip:bob@biloxi.example.com SIP/2.0", dialog(1, "MESSAGE") + [
        "Content-Type: text/plain;charset=UTF-8",
    ], "Hello Bob \u263a \u2014 are we still on for lunch?"),
    "message-cpim": msg("MESSAGE sip:bob@biloxi.example.com SIP/2.0", dialog(2, "MESSAGE") + [
        "Content-Type: message/cpim",
    ], crlf("""
From: Alice <im:alice@atlanta.example.com>
To: Bob <im:bob@biloxi.example.com>
DateTime: 2024-02-02T10:00:00Z

Content-Type: text/plain

hi
""")),
    "refer-replaces": msg("REFER sip:bob@192.0.2.4 SIP/2.0", dialog(101, "REFER", TO_B_TAG) + [
        CONTACT_A,
        "Refer-To: <sip:carol@chicago.example.com?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472>",
        "Referred-By: <sip:alice@atlanta.example.com>",
        "Supported: replaces, norefersub",
    ]),
    "refer-compact": msg("REFER sip:bob@192.0.2.4 SIP/2.0", [
        "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKrefer2",
        "Max-Forwards: 70",
        "t: <sip:bob@biloxi.example.com>;tag=a6c85cf",
        "f: <sip:alice@atlanta.example.com>;tag=1928301774",
        "i: refer-compact-1",
        "CSeq: 102 REFER",
        "r: sip:carol@chicago.example.com",
        "b: \"Alice\" <sip:alice@atlanta.example.com>",
    ]),
    # --- OPTIONS, syntax variety -------------------------------------------
    "options-short": msg("OPTIONS sip:biloxi.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKopt",
        "Max-Forwards: 0",
        "To: <sip:biloxi.example.com>",
        "From: <sip:monitor@192.0.2.9>;tag=o1",
        "Call-ID: opt-1",
        "CSeq: 1 OPTIONS",
    ]),
    "200-options-capabilities": resp(200, "OK", "OPTIONS", 1, [
        "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE",
        "Accept: application/sdp, application/pidf+xml",
        "Accept-Encoding: gzip",
        "Accept-Language: en, fr;q=0.5",
        "Supported: ",
        "Unsupported: foo",
    ]),
    "compact-all": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", [
        "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcompact, SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKcompact2",
        "Max-Forwards: 70",
        "f: <sip:alice@atlanta.example.com>;tag=c1",
        "t: <sip:bob@biloxi.example.com>",
        "i: compact-1@192.0.2.1",
        "CSeq: 1 INVITE",
        "m: <sip:alice@192.0.2.1>;expires=60",
        "k: timer, 100rel",
        "s: lunch?",
        "u: presence, refer",
        "o: presence",
        "x: 1800;refresher=uac",
        "e: identity",
        "c: application/sdp",
    ], SDP_OFFER),
    "folded-lines": msg("INVITE sip:vivekg@chair-dnrc.example.com SIP/2.0", [
        "TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
        "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8",
        "MaX-fOrWaRdS: 0068",
        "Call-ID: wsinv.ndaksdj@192.0.2.1",
        "cseq: 0009\r\n  INVITE",
        "Via  : SIP  /   2.0\r\n  /UDP\r\n    192.0.2.2;branch=390skdjuw",
        "s :",
        "NewFangledHeader:   newfangled value\r\n continued newfangled value",
        "UnknownHeaderWithUnusualValue: ;;,,;;,;",
        "Content-Type: application/sdp",
        "Route:\r\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>",
        "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239",
        "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33",
    ], crlf("""
v=0
o=mhandley 29739 7272939 IN IP4 192.0.2.3
s=-
c=IN IP4 192.0.2.4
t=0 0
m=audio 49217 RTP/AVP 0 12
""")),
    "ipv6-register": msg("REGISTER sip:[2001:db8::10] SIP/2.0", [
        "To: sip:user@example.com",
        "From: sip:user@example.com;tag=81x2",
        "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111",
        "Via: SIP/2.0/UDP [2001:db8::9:ffff]:5070;branch=z9hG4bKas3-112;received=[2001:db8::9:255];maddr=[ff02::fb];ttl=1",
        "Call-ID: SSG9559905523997077@hlau_4100",
        "Max-Forwards: 70",
        "Contact: \"Caller\" <sip:caller@[2001:db8::1]>",
        "CSeq: 98176 REGISTER",
    ]),
    "websocket-register": msg("REGISTER sip:example.com SIP/2.0", [
        "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks",
        "From: sip:alice@example.com;tag=65bnmj.34asd",
        "To: sip:alice@example.com",
        "Call-ID: aiuy7k9njasd",
        "CSeq: 1 REGISTER",
        "Max-Forwards: 70",
        "Supported: path, outbound, gruu",
        'Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>;reg-id=1;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"',
    ]),
    "case-and-extensions": msg("SIP/2.0 200 Very OK indeed (\u00e7a va)", [
        "VIA: SIP/2.0/SCTP relay.example.net:5080;BRANCH=z9hG4bKcase;TTL=3;Maddr=239.0.0.1",
        "cAlL-iD: case-1",
        "FROM: <sip:a@example.net>;TAG=x",
        "to: <sip:b@example.net>;Tag=y",
        "cseq: 4711 FOOBAR",
        "X-Custom-Header: some \"quoted, text\" <with> commas, and;semicolons",
        "Subject: =?utf-8?q?caf=C3=A9?=",
        "P-Charging-Vector: icid-value=1234bc9876e;icid-generated-at=192.0.2.10",
    ]),
    "contact-display-names": msg("REGISTER sip:example.com SIP/2.0", [
        "Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bKdn",
        "Max-Forwards: 70",
        "From: \"Doe, John <jd>\" <sip:jd@example.com>;tag=dn1",
        "To: John Q. Doe <sip:jd@example.com>",
        "Call-ID: dn-1",
        "CSeq: 1 REGISTER",
        "Contact: \"Desk, 1\" <sip:jd@192.0.2.5;transport=udp>;q=1.0, \"Mobile\\\"\\\\\" <sip:jd@198.51.100.5>;q=0.5;expires=30,"
        " sip:jd@203.0.113.5;q=0",
        "Expires: 600",
    ]),
    "no-content-length-udp": msg("MESSAGE sip:bob@biloxi.example.com SIP/2.0", dialog(3, "MESSAGE") + [
        "Content-Type: text/plain",
    ], "body runs to the end of the datagram\r\n", content_length=False),
    "bytes-after-content-length": msg("MESSAGE sip:bob@biloxi.example.com SIP/2.0", dialog(4, "MESSAGE") + [
        "Content-Type: text/plain",
    ], "12345 and trailing garbage past Content-Length", cl_value=5),
    "date-warning-user-agent": msg("SIP/2.0 480 Temporarily Unavailable", [
        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKdw",
        "From: <sip:a@example.com>;tag=1",
        "To: <sip:b@example.com>;tag=2",
        "Call-ID: dw-1",
        "CSeq: 1 INVITE",
        "Date: Thu, 21 Feb 2002 13:02:03 GMT",
        'Warning: 370 devnull "Choose a bigger pipe", 307 isi.edu "Session parameter \'foo\' not understood"',
        "Server: Tincan/0.1 (Debian)",
        "Retry-After: 300",
    ]),
    # --- invalid on purpose -------------------------------------------------
    "bad-version": msg("INVITE sip:bob@biloxi.example.com SIP/7.0", dialog(1, "INVITE")),
    "bad-content-length-too-big": msg("MESSAGE sip:bob@biloxi.example.com SIP/2.0", dialog(5, "MESSAGE"),
                                      "short", cl_value=9999),
    "bad-no-blank-line": (("OPTIONS sip:x@example.com SIP/2.0\r\n" + "\r\n".join(dialog(1, "OPTIONS")))
                          .encode() + b"\r\n"),
    "bad-start-line": msg("INVITE  sip:bob@biloxi.example.com  SIP/2.0", dialog(1, "INVITE")),
    "bad-cseq-method-mismatch": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", dialog(1, "ACK")),
    "bad-unterminated-quote": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", [
        VIA_A, "Max-Forwards: 70", TO_B, 'From: "Alice <sip:alice@atlanta.example.com>;tag=1', CALLID,
        "CSeq: 1 INVITE"]),
    "bad-ipv6-via": msg("OPTIONS sip:[2001:db8::10 SIP/2.0", [
        "Via: SIP/2.0/UDP [2001:db8::9:1;branch=z9hG4bKbad", "Max-Forwards: 70", TO_B, FROM_A, CALLID,
        "CSeq: 1 OPTIONS"]),
}

# Stream seeds: several messages with keepalives, as a TCP peer sends them.
MESSAGES["stream-keepalives-pipeline"] = (
    b"\r\n\r\n" + MESSAGES["options-short"] + b"\r\n\r\n" + MESSAGES["200-options-capabilities"]
    + b"\r\n" + MESSAGES["message-text"]
)
MESSAGES["stream-partial-tail"] = MESSAGES["bye"] + MESSAGES["invite-sdp"][:200]

URIS = [
    # RFC 3261 §19.1.3 examples and variations
    "sip:alice@atlanta.com",
    "sip:alice:secretword@atlanta.com;transport=tcp",
    "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
    "sip:+1-212-555-1212:1234@gateway.com;user=phone",
    "sips:1212@gateway.com",
    "sip:alice@192.0.2.4",
    "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
    "sip:alice;day=tuesday@atlanta.com",
    # RFC 3261 §19.1.4 comparison examples
    "sip:%61lice@atlanta.com;transport=TCP",
    "sip:alice@AtLanTa.CoM;Transport=tcp",
    "sip:carol@chicago.com;newparam=5",
    "sip:carol@chicago.com;security=on",
    "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
    "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
    "SIP:ALICE@AtLanTa.CoM;Transport=udp",
    "sip:bob@biloxi.com:5060",
    "sip:bob@biloxi.com:6000;transport=tcp",
    "sip:carol@chicago.com?Subject=next%20meeting",
    # hosts
    "sip:[2001:db8::10]",
    "sip:[2001:db8::10]:5070",
    "sip:user@[2001:db8::9:1];maddr=[2001:db8::9:255]",
    "sip:[::ffff:192.0.2.128]",
    "sip:[2001:db8:0:0:0:0:0:10]:5060;transport=udp",
    "sips:user@[::1]:5061;transport=tls",
    "sip:host.example.com.",
    "sip:user@a-b.c-d.example",
    "sip:user@1host.example.com",
    "sip:user@host:0",
    "sip:user@host:65535",
    # parameters
    "sip:proxy.example.com;lr",
    "sip:p1.example.com;lr;ftag=abc;r2=on",
    "sip:user@host;ttl=15;maddr=239.255.255.1",
    "sip:user@host;user=ip;method=INVITE",
    "sip:user@host;transport=ws",
    "sip:df7jal23ls0d.invalid;transport=ws",
    "sip:alice@atlanta.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
    "sip:alice@atlanta.com;gr",
    "sip:user@host;a=1;b;c=%41;[p]=/:&+$",
    "sip:user@host;ob;lr;unknown-no-value",
    # userinfo and escapes (RFC 4475 §3.1.1.4/3.1.1.10 style)
    "sip:user%00name@host",
    "sip:%22weird%22@host",
    "sip:sips%3Auser%40example.com@example.net",
    "sip:!$&'()*+,;=?/~_.-@host",
    "sip:user:@host",
    "sip:user:p%40ss&w=r+d$,@host",
    "sip:%75%73%65%72@%68ost",
    "sip:user;par=u%40example.net@example.com",
    # headers
    "sip:user@example.com?Route=%3Csip:example.com%3E",
    "sip:bob@example.com?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472",
    "sip:x@y?h1=&h2=v2&h3=%26",
    # tel: (RFC 3966)
    "tel:+1-201-555-0123",
    "tel:7042;phone-context=example.com",
    "tel:863-1234;phone-context=+1-914-555",
    "tel:+358-555-1234567;postd=pp22",
    "tel:+1-201-555-0123;ext=1234",
    "tel:+1-201-555-0123;isub=12345;ext=22",
    "tel:*86;phone-context=+1",
    "tel:#31#;phone-context=example.com",
    "tel:+1(201)555.0123",
    "tel:+1-201-555-0123;foo=bar;baz",
    "TEL:+49-30-1234567",
    # invalid on purpose
    "sip:",
    "sip:@host",
    "sip:user@",
    "sip:user@host:99999",
    "sip:[2001:db8::10",
    "sip:user@host;;",
    "http://example.com/",
    "mailto:alice@example.com",
    "sip:user@host:port",
    "tel:",
    "tel:abc",
    "sip:a b@host",
    "sip:user@-host",
    "sip:user@host%41",
    "sip:%zz@host",
    "sip:%4@host",
    "<sip:alice@atlanta.com>",
    " sip:alice@atlanta.com",
    "sip:alice@atlanta.com\nsip:ALICE@atlanta.com;transport=tcp",
    "sip:alice@atlanta.com;transport=tcp\nsip:alice@atlanta.com",
]

# Header values for fuzz-sip-header.  The first byte selects the parser
# (byte % 16, in the order of the enum in fuzz-sip-header.c); every value is
# validated as every header id anyway.  The id named with each seed is only
# documentation.
F = {name: i for i, name in enumerate([
    "via", "name_addr", "contact", "cseq", "uint32_255", "uint32_max", "content_type", "auth",
    "event", "subscription_state", "retry_after", "session_expires", "replaces", "token",
    "date", "warning"])}


def selector(func, header_id):
    return F[func]


HEADERS = [
    ("via-udp", "via", "VIA", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds"),
    ("via-rport-received", "via", "VIA", "SIP/2.0/UDP 192.0.2.1:5060;rport=61000;received=203.0.113.7;branch=z9hG4bKx"),
    ("via-ipv6-maddr-ttl", "via", "VIA", "SIP/2.0/UDP [2001:db8::9:1]:5070;maddr=[ff02::fb];ttl=1;branch=z9hG4bKv6"),
    ("via-ws-list", "via", "VIA", "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56, SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK57"),
    ("via-folded", "via", "VIA", "SIP  /   2.0\r\n  /UDP\r\n    192.0.2.2;branch=390skdjuw"),
    ("via-rport-empty", "via", "VIA", "SIP/2.0/TCP client.example.com:5060;rport;alias;branch=z9hG4bK"),
    ("name-addr-quoted", "name_addr", "FROM", "\"Alice \\\"A\\\" Liddell\" <sip:alice@example.com>;tag=1928301774"),
    ("name-addr-bare", "name_addr", "TO", "sip:bob@biloxi.example.com;tag=a6c85cf"),
    ("name-addr-tokens", "name_addr", "TO", "Bob Q. Public <sip:bob@biloxi.example.com>"),
    ("name-addr-tel", "name_addr", "FROM", "<tel:+12015550100>;tag=t1"),
    ("name-addr-refer", "name_addr", "REFER_TO", "<sip:carol@chicago.example.com?Replaces=a%40b%3Bto-tag%3D1%3Bfrom-tag%3D2>"),
    ("name-addr-referred-by", "name_addr", "REFERRED_BY", "\"Carol\" <sip:carol@chicago.example.com>;cid=\"2039@x\""),
    ("name-addr-route-list", "name_addr", "ROUTE", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr;ftag=x>"),
    ("name-addr-rr", "name_addr", "RECORD_ROUTE", "<sip:[2001:db8::1]:5070;transport=tcp;lr>"),
    ("contact-star", "contact", "CONTACT", "*"),
    ("contact-outbound", "contact", "CONTACT",
     "<sip:alice@192.0.2.1;transport=tcp;ob>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1;expires=3600;q=0.7"),
    ("contact-gruu", "contact", "CONTACT",
     "<sip:a@192.0.2.1>;pub-gruu=\"sip:a@example.com;gr=urn:uuid:1\";temp-gruu=\"sip:tgruu.7hs@example.com;gr\""),
    ("contact-list", "contact", "CONTACT", "\"Desk, 1\" <sip:jd@192.0.2.5>;q=1.0, sip:jd@203.0.113.5;q=0"),
    ("cseq", "cseq", "CSEQ", "314159 INVITE"),
    ("cseq-folded", "cseq", "CSEQ", "0009\r\n  INVITE"),
    ("cseq-max", "cseq", "CSEQ", "4294967295 ACK"),
    ("max-forwards", "uint32_255", "MAX_FORWARDS", "70"),
    ("max-forwards-256", "uint32_255", "MAX_FORWARDS", "256"),
    ("content-length", "uint32_max", "CONTENT_LENGTH", "0000000000000000000000123"),
    ("expires-overflow", "uint32_max", "EXPIRES", "4294967296"),
    ("min-expires", "uint32_max", "MIN_EXPIRES", "1800"),
    ("content-type-sdp", "content_type", "CONTENT_TYPE", "application/sdp"),
    ("content-type-params", "content_type", "CONTENT_TYPE", "multipart/mixed;boundary=\"boundary1\";charset=UTF-8"),
    ("content-type-sipfrag", "content_type", "CONTENT_TYPE", "message/sipfrag;version=2.0"),
    ("auth-authorization", "auth", "AUTHORIZATION",
     "Digest username=\"alice\", realm=\"atlanta.example.com\", nonce=\"84a4cc6f3082121f32b42a2187831a9e\", "
     "uri=\"sip:alice@atlanta.example.com\", response=\"7587245234b3434cc3412213e5f113a5432\", qop=auth, nc=00000001, cnonce=\"0a4f113b\""),
    ("auth-www", "auth", "WWW_AUTHENTICATE",
     "Digest realm=\"biloxi.example.com\", qop=\"auth,auth-int\", algorithm=SHA-256, nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\", stale=FALSE"),
    ("auth-proxy", "auth", "PROXY_AUTHENTICATE", "Digest realm=\"a\\\"b\", nonce=\"x\", domain=\"sip:a.example sip:b.example\""),
    ("auth-userhash", "auth", "PROXY_AUTHORIZATION", "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, userhash=false, realm=\"r\""),
    ("event-presence", "event", "EVENT", "presence"),
    ("event-id", "event", "EVENT", "dialog;id=sub-77;call-id=a%40b;from-tag=1"),
    ("event-refer", "event", "EVENT", "refer;id=93809824"),
    ("event-template", "event", "EVENT", "presence.winfo"),
    ("substate-active", "subscription_state", "SUBSCRIPTION_STATE", "active;expires=3599"),
    ("substate-terminated", "subscription_state", "SUBSCRIPTION_STATE", "terminated;reason=timeout;retry-after=120"),
    ("substate-pending", "subscription_state", "SUBSCRIPTION_STATE", "pending"),
    ("retry-after-comment", "retry_after", "RETRY_AFTER", "120 (in a meeting (really)) ;duration=3600"),
    ("retry-after-plain", "retry_after", "RETRY_AFTER", "18000"),
    ("session-expires", "session_expires", "SESSION_EXPIRES", "1800;refresher=uac"),
    ("session-expires-uas", "session_expires", "SESSION_EXPIRES", "90 ; refresher = uas ; x=y"),
    ("min-se", "uint32_max", "MIN_SE", "90"),
    ("replaces", "replaces", "REPLACES", "425928@bobster.example.org;to-tag=7743;from-tag=6472"),
    ("replaces-early", "replaces", "REPLACES", "98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only"),
    ("token-etag", "token", "SIP_ETAG", "dx200xyz"),
    ("token-if-match", "token", "SIP_IF_MATCH", "kwj449x"),
    ("token-allow", "token", "ALLOW", "INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY"),
    ("token-supported", "token", "SUPPORTED", "replaces, timer, 100rel, path, gruu, outbound"),
    ("token-require", "token", "REQUIRE", "100rel"),
    ("token-allow-events", "token", "ALLOW_EVENTS", "presence, dialog, message-summary, refer"),
    ("date", "date", "DATE", "Sat, 13 Nov 2010 23:29:00 GMT"),
    ("date-bad", "date", "DATE", "Sat, 31 Feb 2010 25:61:00 GMT"),
    ("warning", "warning", "WARNING", "370 devnull \"Choose a bigger pipe\""),
    ("warning-list", "warning", "WARNING", "307 isi.edu \"Session parameter 'foo' not understood\", 399 [2001:db8::1]:5060 \"x\""),
    ("call-id", "token", "CALL_ID", "a84b4c76e66710@pc33.atlanta.example.com"),
    ("accept", "token", "ACCEPT", "application/sdp;level=1, application/x-private, text/html;q=0.5"),
    ("content-encoding", "token", "CONTENT_ENCODING", "gzip, identity"),
    ("subject", "token", "SUBJECT", "Need more boxes"),
    ("user-agent", "token", "USER_AGENT", "Tincan/0.1 (Debian; x86_64)"),
    ("content-disposition", "token", "CONTENT_DISPOSITION", "session;handling=optional"),
    ("unsupported", "token", "UNSUPPORTED", "foo, bar"),
    ("proxy-require", "token", "PROXY_REQUIRE", "sec-agree"),
    ("other", "token", "OTHER", "some \"quoted, text\" <with> commas"),
]


# Requests the parser refuses, for the salvage target (salvage.h): what the
# transaction layer answers with 400/505/513 and what it must leave alone.
SALVAGE = {
    "bad-max-forwards": msg("INVITE sip:bob@biloxi.example.com SIP/2.0", [
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds",
        "Max-Forwards: seventy",
        "To: Bob <sip:bob@biloxi.example.com>",
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 INVITE"]),
    "compact-folded": msg("OPTIONS sip:carol@chicago.example.com SIP/2.0", [
        "v: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds7,",
        " SIP/2.0/TCP proxy.example.net;branch=z9hG4bK1",
        "t: <sip:carol@chicago.example.com>",
        "f: <sip:alice@atlanta.example.com>;tag=1",
        "i: compact",
        "CSeq: 1 OPTIONS",
        "Expires: never"]),
    "version-3": msg("REGISTER sip:example.com SIP/3.0", [
        "Via: SIP/3.0/UDP 192.0.2.4;branch=z9hG4bKv3",
        "To: <sip:a@example.com>", "From: <sip:a@example.com>;tag=2",
        "Call-ID: v3", "CSeq: 2 REGISTER"]),
    "bare-lf": b"MESSAGE sip:x@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKlf\nTo: <sip:x@y>\n"
               b"From: <sip:a@b>;tag=3\nCall-ID: lf\nCSeq: 1 MESSAGE\nContent-Length: 99\n\nshort",
    "no-call-id": msg("BYE sip:x@y SIP/2.0", [
        "Via: SIP/2.0/UDP h;branch=z9hG4bKnc", "To: <sip:x@y>;tag=4", "From: <sip:a@b>;tag=5",
        "CSeq: 2 BYE"]),
    "response": msg("SIP/2.0 200 OK", [
        "Via: SIP/2.0/UDP h;branch=z9hG4bKr", "To: <sip:x@y>;tag=4", "From: <sip:a@b>;tag=5",
        "Call-ID: r", "CSeq: 2 BYE", "Max-Forwards: x"]),
}


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def main():
    for name, data in MESSAGES.items():
        write("sip-message", name, data)
    for i, uri in enumerate(URIS):
        write("uri", "%02d" % i, uri.encode("utf-8"))
    seen = set()
    for name, func, header_id, value in HEADERS:
        assert name not in seen, name
        seen.add(name)
        write("sip-header", name, bytes([selector(func, header_id)]) + value.encode("utf-8"))
    for name, data in SALVAGE.items():
        write("salvage", name, data)
    print("wrote %d messages, %d URIs, %d header values" % (len(MESSAGES), len(URIS), len(HEADERS)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
