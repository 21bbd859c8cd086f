/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-message.c — unit tests of TcSipMessage as tc_sip_message_parse()
 * produces it from one datagram: the start line and the typed getters on
 * realistic messages (RFC 3261 §24, RFC 3665 flows, RFC 7616), header order
 * and names as written, compact forms, parser limits, the datagram rules of
 * RFC 3261 §18.3, error messages that name the offending header, and the
 * round trip parse -> tc_sip_message_to_bytes() -> parse.
 */
#include <string.h>

#include <glib.h>

#include "sip/builder.h"
#include "sip/message.h"
#include "sip-test-util.h"
#include "sip/parser.h"
#include "sip/sip-error.h"

static TcSipMessage *
parse_bytes_ok (GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_parse_datagram (bytes, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  return g_steal_pointer (&msg);
}

static TcSipMessage *
parse_ok (const char *text)
{
  g_autoptr (GBytes) bytes = tc_test_wire (text);

  return parse_bytes_ok (bytes);
}

#define assert_view(v, expected) \
  G_STMT_START \
  { \
    g_autofree char *got_ = tc_sip_str_dup (v); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } \
  G_STMT_END

/* Realistic messages. */

#define SDP_OFFER \
  "v=0\n" \
  "o=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\n" \
  "s=-\n" \
  "c=IN IP4 192.0.2.101\n" \
  "t=0 0\n" \
  "m=audio 49172 RTP/AVP 0\n" \
  "a=rtpmap:0 PCMU/8000\n"

#define SDP_ANSWER \
  "v=0\n" \
  "o=bob 2890844527 2890844527 IN IP4 client.biloxi.example.com\n" \
  "s=-\n" \
  "c=IN IP4 192.0.2.201\n" \
  "t=0 0\n" \
  "m=audio 3456 RTP/AVP 0\n" \
  "a=rtpmap:0 PCMU/8000\n"

static const char register_auth[] = "REGISTER sip:registrar.biloxi.com SIP/2.0\n"
                                    "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\n"
                                    "Max-Forwards: 70\n"
                                    "To: Bob <sip:bob@biloxi.com>\n"
                                    "From: Bob <sip:bob@biloxi.com>;tag=456248\n"
                                    "Call-ID: 843817637684230@998sdasdh09\n"
                                    "CSeq: 1826 REGISTER\n"
                                    "Contact: <sip:bob@192.0.2.4>;expires=7200\n"
                                    "Expires: 7200\n"
                                    "Authorization: Digest username=\"bob\", realm=\"biloxi.com\",\n"
                                    " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:registrar.biloxi.com\",\n"
                                    " response=\"245f23415f11432b3434341c022\", algorithm=MD5, qop=auth, nc=00000001,\n"
                                    " cnonce=\"0a4f113b\"\n"
                                    "Content-Length: 0\n"
                                    "\n";

static const char invite_sdp[] = "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
                                 "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\n"
                                 "Max-Forwards: 70\n"
                                 "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n"
                                 "Route: <sip:p3.example.com;lr>\n"
                                 "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
                                 "To: Bob <sip:bob@biloxi.example.com>\n"
                                 "Call-ID: 3848276298220188511@atlanta.example.com\n"
                                 "CSeq: 1 INVITE\n"
                                 "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\n"
                                 "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY\n"
                                 "Supported: replaces, timer\n"
                                 "Session-Expires: 1800;refresher=uac\n"
                                 "Subject: Lunch\n"
                                 "Content-Type: application/sdp\n"
                                 "Content-Length: #\n"
                                 "\n" SDP_OFFER;

static const char ok_200[] = "SIP/2.0 200 OK\n"
                             "Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bKnashds8;received=192.0.2.3,\n"
                             " SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\n"
                             "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds ;received=192.0.2.1\n"
                             "Record-Route: <sip:server10.biloxi.com;lr>, <sip:bigbox3.site3.atlanta.com;lr>\n"
                             "Record-Route: <sip:edge.atlanta.com;lr>\n"
                             "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\n"
                             "From: Alice <sip:alice@atlanta.com>;tag=1928301774\n"
                             "Call-ID: a84b4c76e66710@pc33.atlanta.com\n"
                             "CSeq: 314159 INVITE\n"
                             "Contact: <sip:bob@192.0.2.4>\n"
                             "Require: timer\n"
                             "Content-Type: application/sdp\n"
                             "Content-Length: #\n"
                             "\n" SDP_ANSWER;

static const char notify_pidf[] = "NOTIFY sip:alice@pc33.atlanta.com SIP/2.0\n"
                                  "Via: SIP/2.0/TCP server.example.com;branch=z9hG4bKna998sk\n"
                                  "Max-Forwards: 70\n"
                                  "From: <sip:bob@example.com>;tag=ffd2\n"
                                  "To: <sip:alice@example.com>;tag=xfg9\n"
                                  "Call-ID: 2010@pc33.atlanta.com\n"
                                  "CSeq: 20 NOTIFY\n"
                                  "Contact: <sip:server.example.com;transport=tcp>\n"
                                  "Event: presence;id=ab12\n"
                                  "Subscription-State: active;expires=599\n"
                                  "Content-Type: application/pidf+xml\n"
                                  "Content-Length: #\n"
                                  "\n"
                                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                  "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"pres:bob@example.com\">\n"
                                  "<tuple id=\"sg89ae\">\n"
                                  "<status><basic>open</basic></status>\n"
                                  "<contact priority=\"0.8\">tel:+09012345678</contact>\n"
                                  "</tuple>\n"
                                  "</presence>\n";

static const char options[] = "OPTIONS sip:carol@chicago.com SIP/2.0\n"
                              "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKhjhs8ass877\n"
                              "Max-Forwards: 70\n"
                              "To: <sip:carol@chicago.com>\n"
                              "From: Alice <sip:alice@atlanta.com>;tag=1928301774\n"
                              "Call-ID: a84b4c76e66710\n"
                              "CSeq: 63104 OPTIONS\n"
                              "Contact: <sip:alice@pc33.atlanta.com>\n"
                              "Accept: application/sdp\n"
                              "Content-Length: 0\n"
                              "\n";

/* RFC 8760 §3: one challenge per algorithm, in preference order. */
static const char unauthorized_401[] =
  "SIP/2.0 401 Unauthorized\n"
  "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7;received=192.0.2.4\n"
  "To: Bob <sip:bob@biloxi.com>;tag=2493k59kd\n"
  "From: Bob <sip:bob@biloxi.com>;tag=456248\n"
  "Call-ID: 843817637684230@998sdasdh09\n"
  "CSeq: 1826 REGISTER\n"
  "WWW-Authenticate: Digest realm=\"biloxi.com\", qop=\"auth,auth-int\", algorithm=SHA-256,\n"
  " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\n"
  "WWW-Authenticate: Digest realm=\"biloxi.com\", qop=\"auth,auth-int\", algorithm=MD5,\n"
  " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\n"
  "Content-Length: 0\n"
  "\n";

static const char interval_423[] = "SIP/2.0 423 Interval Too Brief\n"
                                   "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\n"
                                   "To: Bob <sip:bob@biloxi.com>;tag=2493k59kd\n"
                                   "From: Bob <sip:bob@biloxi.com>;tag=456248\n"
                                   "Call-ID: 843817637684230@998sdasdh09\n"
                                   "CSeq: 1826 REGISTER\n"
                                   "Min-Expires: 3600\n"
                                   "Content-Length: 0\n"
                                   "\n";

static const char unavailable_503[] = "SIP/2.0 503 Service Unavailable\n"
                                      "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\n"
                                      "To: Bob <sip:bob@biloxi.com>;tag=2493k59kd\n"
                                      "From: Bob <sip:bob@biloxi.com>;tag=456248\n"
                                      "Call-ID: 843817637684230@998sdasdh09\n"
                                      "CSeq: 1826 REGISTER\n"
                                      "Retry-After: 120 (I'm in a meeting);duration=3600\n"
                                      "Content-Length: 0\n"
                                      "\n";

/* RFC 5589 §7.1 (abridged): a REFER that asks for an attended transfer. */
static const char refer_replaces[] =
  "REFER sip:transferee@client.example.org SIP/2.0\n"
  "Via: SIP/2.0/UDP client.example.com:5060;branch=z9hG4bKnashds9\n"
  "Max-Forwards: 70\n"
  "To: <sip:transferee@example.org>;tag=1234\n"
  "From: <sip:transferor@example.com>;tag=5678\n"
  "Call-ID: 3rr9y3kk3l2jsk@client.example.com\n"
  "CSeq: 2 REFER\n"
  "Contact: <sip:transferor@client.example.com>\n"
  "Refer-To: <sip:target@client2.example.org?Replaces=090459243588173445%3Bto-tag%3D7553452%3Bfrom-tag%3D31431>\n"
  "Referred-By: \"Transferor\" <sip:transferor@example.com>\n"
  "Event: refer\n"
  "Content-Length: 0\n"
  "\n";

static const char invite_replaces[] = "INVITE sip:target@client2.example.org SIP/2.0\n"
                                      "Via: SIP/2.0/UDP client.example.org:5060;branch=z9hG4bKnashds10\n"
                                      "Max-Forwards: 70\n"
                                      "To: <sip:target@example.org>\n"
                                      "From: <sip:transferee@example.org>;tag=7743\n"
                                      "Call-ID: 425928@bobster.example.org\n"
                                      "CSeq: 1 INVITE\n"
                                      "Contact: <sip:transferee@client.example.org>\n"
                                      "Replaces: 090459243588173445;to-tag=7553452;from-tag=31431\n"
                                      "Require: replaces\n"
                                      "Content-Length: 0\n"
                                      "\n";

/* The same as options[], with compact header names where they exist. */
static const char options_compact[] = "OPTIONS sip:carol@chicago.com SIP/2.0\n"
                                      "v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKhjhs8ass877\n"
                                      "Max-Forwards: 70\n"
                                      "t: <sip:carol@chicago.com>\n"
                                      "f: Alice <sip:alice@atlanta.com>;tag=1928301774\n"
                                      "i: a84b4c76e66710\n"
                                      "CSeq: 63104 OPTIONS\n"
                                      "m: <sip:alice@pc33.atlanta.com>\n"
                                      "Accept: application/sdp\n"
                                      "l: 0\n"
                                      "\n";

typedef struct {
  const char *name;
  const char *text;
} NamedMessage;

static const NamedMessage round_trip_messages[] = {
  { "register-authorization", register_auth },
  { "invite-sdp", invite_sdp },
  { "ok-200-record-route", ok_200 },
  { "notify-pidf", notify_pidf },
  { "options", options },
  { "options-compact", options_compact },
  { "unauthorized-401", unauthorized_401 },
  { "interval-423", interval_423 },
  { "unavailable-503", unavailable_503 },
  { "refer-replaces", refer_replaces },
  { "invite-replaces", invite_replaces },
};

/* Getters. */

static void
test_getters_invite (void)
{
  g_autoptr (GBytes) bytes = tc_test_wire (invite_sdp);
  g_autoptr (TcSipMessage) msg = parse_bytes_ok (bytes);
  const char *sdp_start = strstr (g_bytes_get_data (bytes, NULL), "v=0");
  gsize sdp_len = g_bytes_get_size (bytes) - (sdp_start - (const char *) g_bytes_get_data (bytes, NULL));
  const TcSipUri *ruri;
  const TcSipVia *via;
  const TcSipNameAddr *na;
  const TcSipContact *contact;
  const TcSipContentType *ct;
  TcSipSessionExpires se;
  TcSipStr body;

  g_assert_true (tc_sip_message_is_request (msg));
  g_assert_cmpint (tc_sip_message_get_method (msg), ==, TC_SIP_METHOD_INVITE);
  assert_view (tc_sip_message_get_method_name (msg), "INVITE");
  assert_view (tc_sip_message_get_request_uri_text (msg), "sip:bob@biloxi.example.com");
  ruri = tc_sip_message_get_request_uri (msg);
  g_assert_nonnull (ruri);
  g_assert_cmpstr (tc_sip_uri_get_user (ruri, NULL), ==, "bob");
  g_assert_cmpstr (tc_sip_uri_get_host (ruri), ==, "biloxi.example.com");
  /* Parsed once, then the same object. */
  g_assert_true (ruri == tc_sip_message_get_request_uri (msg));

  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 1);
  via = tc_sip_message_get_via (msg, 0);
  assert_view (via->transport, "TCP");
  assert_view (via->host, "client.atlanta.example.com");
  g_assert_cmpuint (via->port, ==, 5060);
  assert_view (via->branch, "z9hG4bK74bf9");

  na = tc_sip_message_get_from (msg);
  assert_view (na->display_name, "Alice");
  assert_view (na->uri, "sip:alice@atlanta.example.com");
  assert_view (na->tag, "9fxced76sl");
  na = tc_sip_message_get_to (msg);
  assert_view (na->uri, "sip:bob@biloxi.example.com");
  g_assert_false (tc_sip_str_is_set (na->tag));

  assert_view (tc_sip_message_get_call_id (msg), "3848276298220188511@atlanta.example.com");
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 1);
  assert_view (tc_sip_message_get_cseq (msg)->method, "INVITE");

  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  contact = tc_sip_message_get_contact (msg, 0);
  g_assert_false (contact->star);
  assert_view (contact->addr.uri, "sip:alice@client.atlanta.example.com;transport=tcp");

  /* Route values are flattened across header lines, in order. */
  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, 3);
  assert_view (tc_sip_message_get_route (msg, 0)->uri, "sip:p1.example.com;lr");
  assert_view (tc_sip_message_get_route (msg, 1)->uri, "sip:p2.example.com;lr");
  assert_view (tc_sip_message_get_route (msg, 2)->uri, "sip:p3.example.com;lr");
  g_assert_cmpuint (tc_sip_message_get_n_record_routes (msg), ==, 0);

  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, 70);
  g_assert_cmpint (tc_sip_message_get_expires (msg), ==, -1);
  g_assert_cmpint (tc_sip_message_get_min_expires (msg), ==, -1);

  ct = tc_sip_message_get_content_type (msg);
  g_assert_nonnull (ct);
  assert_view (ct->type, "application");
  assert_view (ct->subtype, "sdp");
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, sdp_len);
  body = tc_sip_message_get_body (msg);
  g_assert_cmpmem (body.str, body.len, sdp_start, sdp_len);
  /* The body is a view into the datagram, not a copy. */
  g_assert_true (body.str == sdp_start);

  g_assert_true (tc_sip_message_has_token (msg, TC_SIP_HEADER_ALLOW, "BYE"));
  g_assert_true (tc_sip_message_has_token (msg, TC_SIP_HEADER_ALLOW, "refer"));
  g_assert_true (tc_sip_message_has_token (msg, TC_SIP_HEADER_ALLOW, "NOTIFY"));
  g_assert_false (tc_sip_message_has_token (msg, TC_SIP_HEADER_ALLOW, "PRACK"));
  g_assert_false (tc_sip_message_has_token (msg, TC_SIP_HEADER_ALLOW, "BY"));
  g_assert_true (tc_sip_message_has_token (msg, TC_SIP_HEADER_SUPPORTED, "timer"));
  g_assert_true (tc_sip_message_has_token (msg, TC_SIP_HEADER_SUPPORTED, "replaces"));
  g_assert_false (tc_sip_message_has_token (msg, TC_SIP_HEADER_SUPPORTED, "100rel"));
  g_assert_false (tc_sip_message_has_token (msg, TC_SIP_HEADER_REQUIRE, "timer"));

  g_assert_true (tc_sip_message_get_session_expires (msg, &se));
  g_assert_cmpuint (se.delta, ==, 1800);
  assert_view (se.refresher, "uac");

  assert_view (tc_sip_message_get_header_value (msg, "Subject"), "Lunch");
  assert_view (tc_sip_message_get_header_value (msg, "s"), "Lunch");
  g_assert_false (tc_sip_str_is_set (tc_sip_message_get_header_value (msg, "Organization")));
}

static void
test_getters_response (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok (ok_200);
  TcSipEvent event;

  g_assert_false (tc_sip_message_is_request (msg));
  g_assert_cmpuint (tc_sip_message_get_status (msg), ==, 200);
  assert_view (tc_sip_message_get_reason (msg), "OK");

  /* Three Via values on two header lines. */
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, 3);
  assert_view (tc_sip_message_get_via (msg, 0)->host, "server10.biloxi.com");
  assert_view (tc_sip_message_get_via (msg, 0)->received, "192.0.2.3");
  assert_view (tc_sip_message_get_via (msg, 1)->host, "bigbox3.site3.atlanta.com");
  assert_view (tc_sip_message_get_via (msg, 1)->branch, "z9hG4bK77ef4c2312983.1");
  assert_view (tc_sip_message_get_via (msg, 2)->host, "pc33.atlanta.com");
  assert_view (tc_sip_message_get_via (msg, 2)->branch, "z9hG4bK776asdhds");
  assert_view (tc_sip_message_get_via (msg, 2)->received, "192.0.2.1");

  g_assert_cmpuint (tc_sip_message_get_n_record_routes (msg), ==, 3);
  assert_view (tc_sip_message_get_record_route (msg, 0)->uri, "sip:server10.biloxi.com;lr");
  assert_view (tc_sip_message_get_record_route (msg, 1)->uri, "sip:bigbox3.site3.atlanta.com;lr");
  assert_view (tc_sip_message_get_record_route (msg, 2)->uri, "sip:edge.atlanta.com;lr");
  g_assert_cmpuint (tc_sip_message_get_n_routes (msg), ==, 0);

  assert_view (tc_sip_message_get_to (msg)->tag, "a6c85cf");
  assert_view (tc_sip_message_get_from (msg)->tag, "1928301774");
  assert_view (tc_sip_message_get_cseq (msg)->method, "INVITE");
  g_assert_cmpuint (tc_sip_message_get_cseq (msg)->seq, ==, 314159);
  g_assert_cmpint (tc_sip_message_get_max_forwards (msg), ==, -1);
  g_assert_true (tc_sip_message_has_token (msg, TC_SIP_HEADER_REQUIRE, "timer"));
  g_assert_false (tc_sip_message_has_token (msg, TC_SIP_HEADER_ALLOW, "INVITE"));
  g_assert_false (tc_sip_message_get_event (msg, &event));
}

static void
test_getters_register (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok (register_auth);
  TcSipAuth auth;
  TcSipStr value;

  g_assert_cmpint (tc_sip_message_get_method (msg), ==, TC_SIP_METHOD_REGISTER);
  g_assert_cmpint (tc_sip_message_get_expires (msg), ==, 7200);
  g_assert_cmpuint (tc_sip_message_get_n_contacts (msg), ==, 1);
  g_assert_cmpint (tc_sip_message_get_contact (msg, 0)->expires, ==, 7200);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 0);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, 0);
  g_assert_null (tc_sip_message_get_content_type (msg));

  g_assert_true (tc_sip_message_get_auth (msg, TC_SIP_HEADER_AUTHORIZATION, 0, &auth));
  assert_view (auth.scheme, "Digest");
  g_assert_true (tc_sip_auth_get_param (&auth, "username", &value));
  assert_view (value, "bob");
  g_assert_true (tc_sip_auth_get_param (&auth, "uri", &value));
  assert_view (value, "sip:registrar.biloxi.com");
  g_assert_true (tc_sip_auth_get_param (&auth, "nonce", &value));
  assert_view (value, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  g_assert_true (tc_sip_auth_get_param (&auth, "cnonce", &value));
  assert_view (value, "0a4f113b");
  g_assert_true (tc_sip_auth_get_param (&auth, "nc", &value));
  assert_view (value, "00000001");
  g_assert_false (tc_sip_message_get_auth (msg, TC_SIP_HEADER_AUTHORIZATION, 1, &auth));
  g_assert_false (tc_sip_message_get_auth (msg, TC_SIP_HEADER_WWW_AUTHENTICATE, 0, &auth));
  g_assert_false (tc_sip_message_get_auth (msg, TC_SIP_HEADER_PROXY_AUTHORIZATION, 0, &auth));
}

static void
test_getters_challenges (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok (unauthorized_401);
  TcSipAuth auth;
  TcSipStr value;

  g_assert_cmpuint (tc_sip_message_get_status (msg), ==, 401);
  assert_view (tc_sip_message_get_reason (msg), "Unauthorized");

  g_assert_true (tc_sip_message_get_auth (msg, TC_SIP_HEADER_WWW_AUTHENTICATE, 0, &auth));
  g_assert_true (tc_sip_auth_get_param (&auth, "algorithm", &value));
  assert_view (value, "SHA-256");
  g_assert_true (tc_sip_auth_get_param (&auth, "qop", &value));
  assert_view (value, "auth,auth-int");
  g_assert_true (tc_sip_auth_get_param (&auth, "realm", &value));
  assert_view (value, "biloxi.com");

  g_assert_true (tc_sip_message_get_auth (msg, TC_SIP_HEADER_WWW_AUTHENTICATE, 1, &auth));
  g_assert_true (tc_sip_auth_get_param (&auth, "algorithm", &value));
  assert_view (value, "MD5");
  g_assert_true (tc_sip_auth_get_param (&auth, "opaque", &value));
  assert_view (value, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");

  g_assert_false (tc_sip_message_get_auth (msg, TC_SIP_HEADER_WWW_AUTHENTICATE, 2, &auth));
  g_assert_false (tc_sip_message_get_auth (msg, TC_SIP_HEADER_PROXY_AUTHENTICATE, 0, &auth));
}

static void
test_getters_notify (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok (notify_pidf);
  TcSipEvent event;
  TcSipSubscriptionState ss;
  const TcSipContentType *ct;
  TcSipStr body;

  g_assert_cmpint (tc_sip_message_get_method (msg), ==, TC_SIP_METHOD_NOTIFY);
  g_assert_true (tc_sip_message_get_event (msg, &event));
  assert_view (event.package, "presence");
  assert_view (event.id, "ab12");
  g_assert_true (tc_sip_message_get_subscription_state (msg, &ss));
  assert_view (ss.state, "active");
  g_assert_cmpint (ss.expires, ==, 599);

  ct = tc_sip_message_get_content_type (msg);
  g_assert_nonnull (ct);
  assert_view (ct->type, "application");
  assert_view (ct->subtype, "pidf+xml");
  body = tc_sip_message_get_body (msg);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, body.len);
  g_assert_true (g_str_has_prefix (body.str, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<presence"));
  g_assert_cmpmem (body.str + body.len - 13, 13, "</presence>\r\n", 13);
}

static void
test_getters_misc (void)
{
  g_autoptr (TcSipMessage) r423 = parse_ok (interval_423);
  g_autoptr (TcSipMessage) r503 = parse_ok (unavailable_503);
  g_autoptr (TcSipMessage) refer = parse_ok (refer_replaces);
  g_autoptr (TcSipMessage) invite = parse_ok (invite_replaces);
  TcSipRetryAfter ra;
  TcSipNameAddr na;
  TcSipReplaces rep;
  TcSipEvent event;
  TcSipSessionExpires se;

  g_assert_cmpint (tc_sip_message_get_min_expires (r423), ==, 3600);
  g_assert_cmpint (tc_sip_message_get_expires (r423), ==, -1);
  assert_view (tc_sip_message_get_reason (r423), "Interval Too Brief");

  g_assert_true (tc_sip_message_get_retry_after (r503, &ra));
  g_assert_cmpuint (ra.seconds, ==, 120);
  g_assert_cmpint (ra.duration, ==, 3600);
  g_assert_false (tc_sip_message_get_retry_after (r423, &ra));

  g_assert_cmpint (tc_sip_message_get_method (refer), ==, TC_SIP_METHOD_REFER);
  g_assert_true (tc_sip_message_get_name_addr (refer, TC_SIP_HEADER_REFER_TO, &na));
  assert_view (na.uri,
               "sip:target@client2.example.org?Replaces=090459243588173445%3Bto-tag%3D7553452%3Bfrom-tag%3D31431");
  g_assert_true (tc_sip_message_get_name_addr (refer, TC_SIP_HEADER_REFERRED_BY, &na));
  assert_view (na.display_name, "\"Transferor\"");
  assert_view (na.uri, "sip:transferor@example.com");
  g_assert_true (tc_sip_message_get_event (refer, &event));
  assert_view (event.package, "refer");
  g_assert_false (tc_sip_message_get_replaces (refer, &rep));

  g_assert_true (tc_sip_message_get_replaces (invite, &rep));
  assert_view (rep.call_id, "090459243588173445");
  assert_view (rep.to_tag, "7553452");
  assert_view (rep.from_tag, "31431");
  g_assert_false (rep.early_only);
  g_assert_true (tc_sip_message_has_token (invite, TC_SIP_HEADER_REQUIRE, "replaces"));
  g_assert_false (tc_sip_message_get_name_addr (invite, TC_SIP_HEADER_REFER_TO, &na));
  g_assert_false (tc_sip_message_get_session_expires (invite, &se));
}

static void
test_methods (void)
{
  static const struct {
    const char *name;
    TcSipMethod method;
  } methods[] = {
    { "ACK", TC_SIP_METHOD_ACK },
    { "BYE", TC_SIP_METHOD_BYE },
    { "CANCEL", TC_SIP_METHOD_CANCEL },
    { "INFO", TC_SIP_METHOD_INFO },
    { "INVITE", TC_SIP_METHOD_INVITE },
    { "MESSAGE", TC_SIP_METHOD_MESSAGE },
    { "NOTIFY", TC_SIP_METHOD_NOTIFY },
    { "OPTIONS", TC_SIP_METHOD_OPTIONS },
    { "PRACK", TC_SIP_METHOD_PRACK },
    { "PUBLISH", TC_SIP_METHOD_PUBLISH },
    { "REFER", TC_SIP_METHOD_REFER },
    { "REGISTER", TC_SIP_METHOD_REGISTER },
    { "SUBSCRIBE", TC_SIP_METHOD_SUBSCRIBE },
    { "UPDATE", TC_SIP_METHOD_UPDATE },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_assert_cmpint (tc_sip_method_from_name (methods[i].name, strlen (methods[i].name)), ==, methods[i].method);
      g_assert_cmpstr (tc_sip_method_to_name (methods[i].method), ==, methods[i].name);
    }
  /* RFC 3261 §7.1: method names are case-sensitive. */
  g_assert_cmpint (tc_sip_method_from_name ("invite", 6), ==, TC_SIP_METHOD_OTHER);
  g_assert_cmpint (tc_sip_method_from_name ("INVITEX", 7), ==, TC_SIP_METHOD_OTHER);
  g_assert_cmpint (tc_sip_method_from_name ("INVITEX", 6), ==, TC_SIP_METHOD_INVITE);
  g_assert_cmpint (tc_sip_method_from_name ("", 0), ==, TC_SIP_METHOD_OTHER);
}

static void
test_extension_method (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok ("FOOBAR sip:bob@biloxi.com SIP/2.0\n"
                                           "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKfoo\n"
                                           "To: <sip:bob@biloxi.com>\n"
                                           "From: <sip:alice@atlanta.com>;tag=1\n"
                                           "Call-ID: ext1\n"
                                           "CSeq: 7 FOOBAR\n"
                                           "Content-Length: 0\n"
                                           "\n");

  g_assert_cmpint (tc_sip_message_get_method (msg), ==, TC_SIP_METHOD_OTHER);
  assert_view (tc_sip_message_get_method_name (msg), "FOOBAR");
  assert_view (tc_sip_message_get_cseq (msg)->method, "FOOBAR");
}

static void
test_tel_request_uri (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok ("INVITE tel:+1-201-555-0123 SIP/2.0\n"
                                           "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKtel\n"
                                           "To: <tel:+1-201-555-0123>\n"
                                           "From: <sip:alice@atlanta.com>;tag=1\n"
                                           "Call-ID: tel1\n"
                                           "CSeq: 1 INVITE\n"
                                           "Content-Length: 0\n"
                                           "\n");
  const TcSipUri *uri = tc_sip_message_get_request_uri (msg);

  assert_view (tc_sip_message_get_request_uri_text (msg), "tel:+1-201-555-0123");
  g_assert_nonnull (uri);
  g_assert_cmpint (tc_sip_uri_get_scheme (uri), ==, TC_SIP_URI_SCHEME_TEL);
  assert_view (tc_sip_message_get_to (msg)->uri, "tel:+1-201-555-0123");
}

/* Header table. */

static void
test_header_order (void)
{
  static const char *const names[] = {
    "Via",     "Max-Forwards", "Route",     "Route",           "From",    "To",           "Call-ID",        "CSeq",
    "Contact", "Allow",        "Supported", "Session-Expires", "Subject", "Content-Type", "Content-Length",
  };
  static const TcSipHeaderId ids[] = {
    TC_SIP_HEADER_VIA,     TC_SIP_HEADER_MAX_FORWARDS, TC_SIP_HEADER_ROUTE,          TC_SIP_HEADER_ROUTE,
    TC_SIP_HEADER_FROM,    TC_SIP_HEADER_TO,           TC_SIP_HEADER_CALL_ID,        TC_SIP_HEADER_CSEQ,
    TC_SIP_HEADER_CONTACT, TC_SIP_HEADER_ALLOW,        TC_SIP_HEADER_SUPPORTED,      TC_SIP_HEADER_SESSION_EXPIRES,
    TC_SIP_HEADER_SUBJECT, TC_SIP_HEADER_CONTENT_TYPE, TC_SIP_HEADER_CONTENT_LENGTH,
  };
  g_autoptr (TcSipMessage) msg = parse_ok (invite_sdp);
  guint i;

  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, G_N_ELEMENTS (names));
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const TcSipHeader *h = tc_sip_message_get_header (msg, i);

      assert_view (h->name, names[i]);
      g_assert_cmpint (h->id, ==, ids[i]);
    }
  assert_view (tc_sip_message_get_header (msg, 2)->value, "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>");
  assert_view (tc_sip_message_get_header (msg, 3)->value, "<sip:p3.example.com;lr>");

  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, 0), ==, 2);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, 3), ==, 3);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_ROUTE, 4), ==, -1);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_RECORD_ROUTE, 0), ==, -1);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_VIA, 0), ==, 0);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_CONTENT_LENGTH, 0), ==, 14);
  g_assert_cmpint (tc_sip_message_find_header (msg, TC_SIP_HEADER_CONTENT_LENGTH, 100), ==, -1);
  g_assert_cmpint (tc_sip_message_find_header_by_name (msg, "route", 3), ==, 3);
  g_assert_cmpint (tc_sip_message_find_header_by_name (msg, "Subject", 0), ==, 12);
  g_assert_cmpint (tc_sip_message_find_header_by_name (msg, "X-Unknown", 0), ==, -1);
}

/* Names are kept as written; values are trimmed of surrounding LWS and
 * keep folded line breaks. */
static void
test_header_raw (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok ("OPTIONS sip:carol@chicago.com SIP/2.0\n"
                                           "VIA: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKraw\n"
                                           "to:   <sip:carol@chicago.com>   \n"
                                           "From :<sip:alice@atlanta.com>;tag=1\n"
                                           "Call-ID\t: raw1\n"
                                           "CSeq: 1 OPTIONS\n"
                                           "X-Custom:   folded\n"
                                           "   value\n"
                                           "X-Empty:\n"
                                           "Content-Length: 0\n"
                                           "\n");
  const TcSipHeader *h;

  h = tc_sip_message_get_header (msg, 0);
  assert_view (h->name, "VIA");
  g_assert_cmpint (h->id, ==, TC_SIP_HEADER_VIA);
  h = tc_sip_message_get_header (msg, 1);
  assert_view (h->name, "to");
  assert_view (h->value, "<sip:carol@chicago.com>");
  h = tc_sip_message_get_header (msg, 2);
  assert_view (h->name, "From");
  assert_view (h->value, "<sip:alice@atlanta.com>;tag=1");
  h = tc_sip_message_get_header (msg, 3);
  assert_view (h->name, "Call-ID");
  assert_view (h->value, "raw1");
  assert_view (tc_sip_message_get_call_id (msg), "raw1");
  h = tc_sip_message_get_header (msg, 5);
  g_assert_cmpint (h->id, ==, TC_SIP_HEADER_OTHER);
  assert_view (h->name, "X-Custom");
  assert_view (h->value, "folded\r\n   value");
  h = tc_sip_message_get_header (msg, 6);
  assert_view (h->name, "X-Empty");
  g_assert_nonnull (h->value.str);
  g_assert_cmpuint (h->value.len, ==, 0);
  assert_view (tc_sip_message_get_header_value (msg, "x-custom"), "folded\r\n   value");
}

static void
test_header_compact (void)
{
  g_autoptr (TcSipMessage) compact = parse_ok (options_compact);
  g_autoptr (TcSipMessage) full = parse_ok (options);
  static const struct {
    const char *full;
    const char *compact;
  } pairs[] = {
    { "Via", "v" }, { "To", "t" }, { "From", "f" }, { "Call-ID", "i" }, { "Contact", "m" }, { "Content-Length", "l" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      gint a = tc_sip_message_find_header_by_name (compact, pairs[i].full, 0);
      gint b = tc_sip_message_find_header_by_name (compact, pairs[i].compact, 0);
      gint c = tc_sip_message_find_header_by_name (full, pairs[i].compact, 0);
      gint d = tc_sip_message_find_header_by_name (full, pairs[i].full, 0);

      g_test_message ("%s / %s", pairs[i].full, pairs[i].compact);
      g_assert_cmpint (a, >=, 0);
      g_assert_cmpint (a, ==, b);
      g_assert_cmpint (c, >=, 0);
      g_assert_cmpint (c, ==, d);
      assert_view (tc_sip_message_get_header (compact, a)->name, pairs[i].compact);
    }
  assert_view (tc_sip_message_get_header_value (compact, "Call-ID"), "a84b4c76e66710");
  assert_view (tc_sip_message_get_header_value (compact, "CALL-ID"), "a84b4c76e66710");
  assert_view (tc_sip_message_get_header_value (full, "i"), "a84b4c76e66710");

  /* Typed access does not care how the name was written. */
  g_assert_cmpuint (tc_sip_message_get_n_vias (compact), ==, 1);
  assert_view (tc_sip_message_get_via (compact, 0)->branch, "z9hG4bKhjhs8ass877");
  assert_view (tc_sip_message_get_from (compact)->tag, "1928301774");
  assert_view (tc_sip_message_get_to (compact)->uri, "sip:carol@chicago.com");
  assert_view (tc_sip_message_get_call_id (compact), "a84b4c76e66710");
  g_assert_cmpuint (tc_sip_message_get_n_contacts (compact), ==, 1);
  g_assert_cmpint (tc_sip_message_get_content_length (compact), ==, 0);

  /* Known headers are compared by id. */
  g_assert_true (tc_sip_message_equal (compact, full));
}

/* Equality. */

static void
test_equal (void)
{
  static const char base[] = "OPTIONS sip:carol@chicago.com SIP/2.0\n"
                             "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
                             "To: <sip:carol@chicago.com>\n"
                             "From: <sip:alice@atlanta.com>;tag=1\n"
                             "Call-ID: eq1\n"
                             "CSeq: 1 OPTIONS\n"
                             "X-Thing: a\n"
                             "Content-Length: #\n"
                             "\n"
                             "body";
  static const struct {
    const char *name;
    const char *text;
    gboolean equal;
  } others[] = {
    { "same", base, TRUE },
    { "name-case",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "VIA: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "to: <sip:carol@chicago.com>\n"
      "FROM: <sip:alice@atlanta.com>;tag=1\n"
      "call-id: eq1\n"
      "cseq: 1 OPTIONS\n"
      "x-thing: a\n"
      "content-length: 4\n"
      "\n"
      "body",
      TRUE },
    { "surrounding-lws",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via:    SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>   \n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID:eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "Content-Length: #\n"
      "\n"
      "body",
      TRUE },
    { "no-content-length",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID: eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "\n"
      "body",
      TRUE },
    { "other-value",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID: eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: b\n"
      "Content-Length: #\n"
      "\n"
      "body",
      FALSE },
    { "value-case",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID: EQ1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "Content-Length: #\n"
      "\n"
      "body",
      FALSE },
    { "other-order",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "To: <sip:carol@chicago.com>\n"
      "Call-ID: eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "Content-Length: #\n"
      "\n"
      "body",
      FALSE },
    { "extra-header",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID: eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "X-Other: a\n"
      "Content-Length: #\n"
      "\n"
      "body",
      FALSE },
    { "other-body",
      "OPTIONS sip:carol@chicago.com SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID: eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "Content-Length: #\n"
      "\n"
      "bodx",
      FALSE },
    { "other-request-uri",
      "OPTIONS sip:carol@chicago.org SIP/2.0\n"
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKeq\n"
      "To: <sip:carol@chicago.com>\n"
      "From: <sip:alice@atlanta.com>;tag=1\n"
      "Call-ID: eq1\n"
      "CSeq: 1 OPTIONS\n"
      "X-Thing: a\n"
      "Content-Length: #\n"
      "\n"
      "body",
      FALSE },
  };
  g_autoptr (TcSipMessage) a = parse_ok (base);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr (TcSipMessage) b = parse_ok (others[i].text);

      g_test_message ("%s", others[i].name);
      g_assert_cmpint (tc_sip_message_equal (a, b), ==, others[i].equal);
      g_assert_cmpint (tc_sip_message_equal (b, a), ==, others[i].equal);
    }
}

static void
test_equal_responses (void)
{
  g_autoptr (TcSipMessage) ok = parse_ok (ok_200);
  g_autoptr (GBytes) bytes = tc_test_wire (ok_200);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GString) other = g_string_new (text);
  g_autoptr (TcSipMessage) ok2 = NULL;
  g_autoptr (GError) error = NULL;

  /* The reason phrase is part of the start line. */
  g_string_replace (other, "SIP/2.0 200 OK", "SIP/2.0 200 Fine", 1);
  ok2 = tc_sip_message_parse (other->str, other->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (tc_sip_message_equal (ok, ok2));
}

/* Limits. */

static void
test_limit_message_size (void)
{
  g_autoptr (GBytes) bytes = tc_test_wire (invite_sdp);
  gsize size = g_bytes_get_size (bytes);
  TcSipParserLimits limits;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_parser_limits_init (&limits);
  g_assert_cmpuint (limits.max_message_size, ==, TC_SIP_PARSER_DEFAULT_MAX_MESSAGE_SIZE);
  g_assert_cmpuint (limits.max_headers, ==, TC_SIP_PARSER_DEFAULT_MAX_HEADERS);
  g_assert_cmpuint (limits.max_header_size, ==, TC_SIP_PARSER_DEFAULT_MAX_HEADER_SIZE);

  /* Exactly at the limit is fine; one byte over is 513. */
  limits.max_message_size = size;
  msg = tc_sip_message_parse_datagram (bytes, &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_clear_pointer (&msg, tc_sip_message_unref);

  limits.max_message_size = size - 1;
  msg = tc_sip_message_parse_datagram (bytes, &limits, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, 513);
  g_clear_error (&error);

  limits.max_message_size = 200;
  msg = tc_sip_message_parse (g_bytes_get_data (bytes, NULL), size, &limits, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_TOO_LARGE);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, 513);
}

static void
test_limit_headers (void)
{
  g_autoptr (GBytes) bytes = tc_test_wire (invite_sdp); /* 15 header fields */
  TcSipParserLimits limits;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_parser_limits_init (&limits);
  limits.max_headers = 15;
  msg = tc_sip_message_parse_datagram (bytes, &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, 15);
  g_clear_pointer (&msg, tc_sip_message_unref);

  limits.max_headers = 14;
  msg = tc_sip_message_parse_datagram (bytes, &limits, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_LIMIT);
}

static void
test_limit_header_size (void)
{
  g_autofree char *long_value = g_strnfill (300, 'x');
  g_autofree char *text = g_strdup_printf ("OPTIONS sip:carol@chicago.com SIP/2.0\n"
                                           "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKlim\n"
                                           "To: <sip:carol@chicago.com>\n"
                                           "From: <sip:alice@atlanta.com>;tag=1\n"
                                           "Call-ID: lim1\n"
                                           "CSeq: 1 OPTIONS\n"
                                           "Subject: %s\n"
                                           "  %s\n"
                                           "Content-Length: 0\n"
                                           "\n",
                                           long_value, long_value);
  g_autoptr (GBytes) bytes = tc_test_wire (text);
  TcSipParserLimits limits;
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;

  tc_sip_parser_limits_init (&limits);
  limits.max_header_size = 1000;
  msg = tc_sip_message_parse_datagram (bytes, &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_clear_pointer (&msg, tc_sip_message_unref);

  /* The folded continuation counts towards the one header field. */
  limits.max_header_size = 400;
  msg = tc_sip_message_parse_datagram (bytes, &limits, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "Subject"));
}

/* Datagrams: RFC 3261 §18.3. */

static const char datagram_head[] = "MESSAGE sip:bob@biloxi.com SIP/2.0\r\n"
                                    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKdg\r\n"
                                    "Max-Forwards: 70\r\n"
                                    "To: <sip:bob@biloxi.com>\r\n"
                                    "From: <sip:alice@atlanta.com>;tag=1\r\n"
                                    "Call-ID: dg1\r\n"
                                    "CSeq: 1 MESSAGE\r\n"
                                    "Content-Type: text/plain\r\n";

static TcSipMessage *
parse_datagram (const char *extra_headers, const char *body, GError **error)
{
  g_autofree char *text = g_strconcat (datagram_head, extra_headers, "\r\n", body, NULL);

  return tc_sip_message_parse (text, strlen (text), NULL, error);
}

static void
test_datagram_no_content_length (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = parse_datagram ("", "Hello Bob\r\nsecond line", &error);
  g_autoptr (GBytes) out = NULL;
  g_autoptr (TcSipMessage) again = NULL;
  TcSipStr body;

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, -1);
  body = tc_sip_message_get_body (msg);
  g_assert_cmpmem (body.str, body.len, "Hello Bob\r\nsecond line", 22);

  /* Serialized, the message gets the Content-Length it lacked. */
  out = tc_sip_message_to_bytes (msg);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "Content-Length: 22\r\n"));
  again = parse_bytes_ok (out);
  g_assert_cmpint (tc_sip_message_get_content_length (again), ==, 22);
  g_assert_true (tc_sip_message_equal (msg, again));
}

static void
test_datagram_empty_body (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = parse_datagram ("", "", &error);

  g_assert_no_error (error);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, -1);
  g_assert_cmpuint (tc_sip_message_get_body (msg).len, ==, 0);
}

static void
test_datagram_trailing_octets (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = parse_datagram ("Content-Length: 4\r\n", "abcdefgh", &error);
  g_autoptr (GBytes) out = NULL;
  g_autofree char *out_text = NULL;
  TcSipStr body;

  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpint (tc_sip_message_get_content_length (msg), ==, 4);
  body = tc_sip_message_get_body (msg);
  g_assert_cmpmem (body.str, body.len, "abcd", 4);

  /* The discarded octets are not serialized either. */
  out = tc_sip_message_to_bytes (msg);
  out_text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_true (g_str_has_suffix (out_text, "\r\n\r\nabcd"));
  g_assert_nonnull (strstr (out_text, "Content-Length: 4\r\n"));
}

static void
test_datagram_truncated (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = parse_datagram ("Content-Length: 100\r\n", "short body", &error);

  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, TC_SIP_ERROR_TRUNCATED);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, 400);
  g_assert_nonnull (strstr (error->message, "Content-Length"));
}

/* Leading CRLFs before the start line are ignored (RFC 3261 §7.5). */
static void
test_datagram_leading_crlf (void)
{
  g_autoptr (GBytes) plain = tc_test_wire (options);
  g_autofree char *text = g_strconcat ("\r\n\r\n", (const char *) g_bytes_get_data (plain, NULL), NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = tc_sip_message_parse (text, strlen (text), NULL, &error);
  g_autoptr (TcSipMessage) ref = parse_bytes_ok (plain);

  g_assert_no_error (error);
  g_assert_true (tc_sip_message_equal (msg, ref));
}

/* Errors name what is wrong. */

typedef struct {
  const char *name;
  const char *text;
  TcSipErrorCode code;
  guint status;
  const char *mention; /* must appear in the error message */
} BadMessage;

#define GOOD_HEADERS \
  "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKbad\n" \
  "To: <sip:bob@biloxi.com>\n" \
  "From: <sip:alice@atlanta.com>;tag=1\n" \
  "Call-ID: bad1\n"

static const BadMessage bad_messages[] = {
  { "cseq-number", "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: abc INVITE\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "CSeq" },
  { "cseq-overflow",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 36893488147419103232 INVITE\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "CSeq" },
  { "cseq-method-mismatch", "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 ACK\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "CSeq" },
  { "via",
    "INVITE sip:bob@biloxi.com SIP/2.0\nVia: garbage\nTo: <sip:bob@biloxi.com>\n"
    "From: <sip:alice@atlanta.com>;tag=1\nCall-ID: bad1\nCSeq: 1 INVITE\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Via" },
  { "max-forwards",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\nMax-Forwards: seventy\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Max-Forwards" },
  { "from",
    "INVITE sip:bob@biloxi.com SIP/2.0\nVia: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKbad\n"
    "To: <sip:bob@biloxi.com>\nFrom: <sip:alice@atlanta.com;tag=1\nCall-ID: bad1\nCSeq: 1 INVITE\n"
    "Content-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "From" },
  { "contact",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS
    "CSeq: 1 INVITE\nContact: <sip:alice@pc33.atlanta.com>;q=7\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Contact" },
  { "content-length-alpha",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\nContent-Length: abc\n\n", TC_SIP_ERROR_PARSE,
    400, "Content-Length" },
  { "content-length-negative",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\nContent-Length: -5\n\n", TC_SIP_ERROR_PARSE,
    400, "Content-Length" },
  /* RFC 4475 §3.1.2.? mcl01: conflicting Content-Length values. */
  { "content-length-twice",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\nContent-Length: 0\nl: 3\n\nabc",
    TC_SIP_ERROR_PARSE, 400, "Content-Length" },
  { "expires",
    "REGISTER sip:biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 REGISTER\nExpires: soon\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Expires" },
  { "content-type",
    "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS
    "CSeq: 1 INVITE\nContent-Type: application\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Content-Type" },
  { "www-authenticate",
    "SIP/2.0 401 Unauthorized\n" GOOD_HEADERS
    "CSeq: 1 REGISTER\nWWW-Authenticate: Digest realm=\"unterminated\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "WWW-Authenticate" },
  { "event",
    "SUBSCRIBE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 SUBSCRIBE\nEvent: pres ence\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Event" },
  { "missing-call-id",
    "INVITE sip:bob@biloxi.com SIP/2.0\nVia: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKbad\n"
    "To: <sip:bob@biloxi.com>\nFrom: <sip:alice@atlanta.com>;tag=1\nCSeq: 1 INVITE\n"
    "Content-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Call-ID" },
  { "missing-via",
    "INVITE sip:bob@biloxi.com SIP/2.0\nTo: <sip:bob@biloxi.com>\n"
    "From: <sip:alice@atlanta.com>;tag=1\nCall-ID: bad1\nCSeq: 1 INVITE\nContent-Length: 0\n\n",
    TC_SIP_ERROR_PARSE, 400, "Via" },
  { "version-request", "INVITE sip:bob@biloxi.com SIP/7.0\n" GOOD_HEADERS "CSeq: 1 INVITE\nContent-Length: 0\n\n",
    TC_SIP_ERROR_UNSUPPORTED_VERSION, 505, "7.0" },
  { "version-response", "SIP/3.0 200 OK\n" GOOD_HEADERS "CSeq: 1 INVITE\nContent-Length: 0\n\n",
    TC_SIP_ERROR_UNSUPPORTED_VERSION, 505, "3.0" },
  { "request-line-extra", "INVITE sip:bob@biloxi.com SIP/2.0 extra\n" GOOD_HEADERS "CSeq: 1 INVITE\n\n",
    TC_SIP_ERROR_PARSE, 400, "Request-Line" },
  { "request-uri-spaces", "INVITE sip:bob@bi loxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\n\n", TC_SIP_ERROR_PARSE,
    400, NULL },
  { "status-code-long", "SIP/2.0 2000 OK\n" GOOD_HEADERS "CSeq: 1 INVITE\n\n", TC_SIP_ERROR_PARSE, 400, "Status-Line" },
  { "status-code-700", "SIP/2.0 700 Beyond\n" GOOD_HEADERS "CSeq: 1 INVITE\n\n", TC_SIP_ERROR_PARSE, 400,
    "Status-Line" },
  { "status-code-alpha", "SIP/2.0 abc OK\n" GOOD_HEADERS "CSeq: 1 INVITE\n\n", TC_SIP_ERROR_PARSE, 400, "Status-Line" },
  { "header-without-colon", "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\nNoColonHere\n\n",
    TC_SIP_ERROR_PARSE, 400, "NoColonHere" },
  { "header-empty-name", "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\n: value\n\n",
    TC_SIP_ERROR_PARSE, 400, NULL },
  { "no-blank-line", "INVITE sip:bob@biloxi.com SIP/2.0\n" GOOD_HEADERS "CSeq: 1 INVITE\n", TC_SIP_ERROR_TRUNCATED, 400,
    NULL },
};

static void
test_bad_message (gconstpointer data)
{
  const BadMessage *c = data;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (TcSipMessage) msg = NULL;
  const char *p;

  /* Not wire(): "no-blank-line" has no header end, and the bodies are literal. */
  for (p = c->text; *p; p++)
    {
      if (*p == '\n')
        g_string_append (text, "\r\n");
      else
        g_string_append_c (text, *p);
    }
  msg = tc_sip_message_parse (text->str, text->len, NULL, &error);
  g_assert_null (msg);
  g_assert_error (error, TC_SIP_ERROR, (gint) c->code);
  g_test_message ("error: %s", error->message);
  g_assert_cmpuint (tc_sip_error_get_status (error), ==, c->status);
  if (c->mention)
    g_assert_nonnull (strstr (error->message, c->mention));
}

/* Round trip. */

static void
test_round_trip (gconstpointer data)
{
  const NamedMessage *c = data;
  g_autoptr (GBytes) in = tc_test_wire (c->text);
  g_autoptr (TcSipMessage) msg = parse_bytes_ok (in);
  g_autoptr (GBytes) out = tc_sip_message_to_bytes (msg);
  g_autoptr (TcSipMessage) again = parse_bytes_ok (out);
  g_autoptr (GBytes) out2 = tc_sip_message_to_bytes (again);
  guint i;

  /* A message with a correct Content-Length serializes as it came in. */
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), g_bytes_get_data (in, NULL),
                   g_bytes_get_size (in));
  g_assert_true (tc_sip_message_equal (msg, again));
  g_assert_true (tc_sip_message_equal (again, msg));
  g_assert_true (tc_sip_message_equal (msg, msg));
  g_assert_true (g_bytes_equal (out, out2));

  g_assert_cmpuint (tc_sip_message_get_n_headers (msg), ==, tc_sip_message_get_n_headers (again));
  for (i = 0; i < tc_sip_message_get_n_headers (msg); i++)
    {
      const TcSipHeader *a = tc_sip_message_get_header (msg, i);
      const TcSipHeader *b = tc_sip_message_get_header (again, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpmem (a->name.str, a->name.len, b->name.str, b->name.len);
      g_assert_cmpmem (a->value.str, a->value.len, b->value.str, b->value.len);
    }
  g_assert_cmpuint (tc_sip_message_get_n_vias (msg), ==, tc_sip_message_get_n_vias (again));
  g_assert_cmpuint (tc_sip_message_get_n_record_routes (msg), ==, tc_sip_message_get_n_record_routes (again));
}

static void
test_refcount (void)
{
  g_autoptr (TcSipMessage) msg = parse_ok (options);
  g_autoptr (TcSipMessage) ref = tc_sip_message_ref (msg);
  g_autoptr (TcSipMessage) boxed = NULL;

  g_assert_true (ref == msg);
  g_assert_true (G_TYPE_IS_BOXED (TC_SIP_TYPE_MESSAGE));
  boxed = g_boxed_copy (TC_SIP_TYPE_MESSAGE, msg);
  g_assert_true (tc_sip_message_equal (boxed, msg));
}

static TcSipMessage *
parse_text (const char *text)
{
  g_autoptr (GError) error = NULL;
  TcSipMessage *msg = tc_sip_message_parse (text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  return msg;
}

static char *
top_via_text (TcSipMessage *msg)
{
  gint i = tc_sip_message_find_header (msg, TC_SIP_HEADER_VIA, 0);
  const TcSipHeader *h = tc_sip_message_get_header (msg, i);

  return g_strndup (h->value.str, h->value.len);
}

static void
test_stamp_via (void)
{
  static const struct {
    const char *via;
    const char *source;
    guint16 port;
    const char *expected; /* NULL: the Via is copied as it is */
  } cases[] = {
    { "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport", "198.51.100.7", 40000,
      "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;received=198.51.100.7;rport=40000" },
    { "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKa", "192.0.2.1", 5060,
      "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;received=192.0.2.1;rport=5060" },
    { "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa", "192.0.2.1", 5071, NULL },
    { "SIP/2.0/TCP client.example.com;branch=z9hG4bKa", "192.0.2.9", 33000,
      "SIP/2.0/TCP client.example.com;branch=z9hG4bKa;received=192.0.2.9" },
    { "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKb;rport", "192.0.2.3",
      7000,
      "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;received=192.0.2.3;rport=7000, SIP/2.0/UDP "
      "192.0.2.2;branch=z9hG4bKb;rport" },
    { "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKa;rport", "2001:db8::1", 5062,
      "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKa;received=2001:db8::1;rport=5062" },
    { "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;received=10.0.0.1;rport=9", "192.0.2.4", 9999,
      "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;received=192.0.2.4;rport=9999" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("OPTIONS sip:b@example.com SIP/2.0\r\n"
                                               "v: %s\r\n"
                                               "Via: SIP/2.0/UDP 192.0.2.200;branch=z9hG4bKlast\r\n"
                                               "From: <sip:a@example.com>;tag=1\r\n"
                                               "To: <sip:b@example.com>\r\n"
                                               "Call-ID: c\r\n"
                                               "CSeq: 1 OPTIONS\r\n"
                                               "Content-Length: 2\r\n\r\nhi",
                                               cases[i].via);
      g_autoptr (TcSipMessage) msg = parse_text (text);
      g_autoptr (GSocketAddress) source = g_inet_socket_address_new_from_string (cases[i].source, cases[i].port);
      g_autoptr (TcSipMessage) response = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *via = NULL;

      g_test_message ("case %u: %s", i, cases[i].via);
      tc_sip_message_set_source (msg, G_INET_SOCKET_ADDRESS (source));
      g_assert_true (tc_sip_message_get_source (msg) == G_INET_SOCKET_ADDRESS (source));
      response = tc_sip_message_builder_end (tc_sip_message_builder_new_response_to (msg, 200, NULL, "t"), &error);
      g_assert_no_error (error);
      via = top_via_text (response);
      g_assert_cmpstr (via, ==, cases[i].expected ? cases[i].expected : cases[i].via);
      /* the later Via fields are copied as they are */
      g_assert_cmpuint (tc_sip_message_get_n_vias (response), ==, tc_sip_message_get_n_vias (msg));
      g_assert_true (tc_sip_str_equal (
        tc_sip_message_get_via (response, tc_sip_message_get_n_vias (response) - 1)->branch, "z9hG4bKlast"));
    }
}

/* Without a source (a request not received from the network), the Via is
 * copied as it is. */
static void
test_stamp_via_no_source (void)
{
  g_autoptr (TcSipMessage) msg = parse_text ("OPTIONS sip:b@example.com SIP/2.0\r\n"
                                             "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;rport\r\n"
                                             "From: <sip:a@example.com>;tag=1\r\n"
                                             "To: <sip:b@example.com>\r\n"
                                             "Call-ID: c\r\n"
                                             "CSeq: 1 OPTIONS\r\n"
                                             "Content-Length: 0\r\n\r\n");
  g_autoptr (TcSipMessage) response =
    tc_sip_message_builder_end (tc_sip_message_builder_new_response_to (msg, 200, NULL, "t"), NULL);
  g_autofree char *via = top_via_text (response);

  g_assert_null (tc_sip_message_get_source (msg));
  g_assert_cmpstr (via, ==, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;rport");
}

int
main (int argc, char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/message/getters/invite", test_getters_invite);
  g_test_add_func ("/sip/message/getters/response", test_getters_response);
  g_test_add_func ("/sip/message/getters/register", test_getters_register);
  g_test_add_func ("/sip/message/getters/challenges", test_getters_challenges);
  g_test_add_func ("/sip/message/getters/notify", test_getters_notify);
  g_test_add_func ("/sip/message/getters/misc", test_getters_misc);
  g_test_add_func ("/sip/message/methods", test_methods);
  g_test_add_func ("/sip/message/extension-method", test_extension_method);
  g_test_add_func ("/sip/message/tel-request-uri", test_tel_request_uri);
  g_test_add_func ("/sip/message/headers/order", test_header_order);
  g_test_add_func ("/sip/message/headers/raw", test_header_raw);
  g_test_add_func ("/sip/message/headers/compact", test_header_compact);
  g_test_add_func ("/sip/message/equal/requests", test_equal);
  g_test_add_func ("/sip/message/equal/responses", test_equal_responses);
  g_test_add_func ("/sip/message/limits/message-size", test_limit_message_size);
  g_test_add_func ("/sip/message/limits/headers", test_limit_headers);
  g_test_add_func ("/sip/message/limits/header-size", test_limit_header_size);
  g_test_add_func ("/sip/message/datagram/no-content-length", test_datagram_no_content_length);
  g_test_add_func ("/sip/message/datagram/empty-body", test_datagram_empty_body);
  g_test_add_func ("/sip/message/datagram/trailing-octets", test_datagram_trailing_octets);
  g_test_add_func ("/sip/message/datagram/truncated", test_datagram_truncated);
  g_test_add_func ("/sip/message/datagram/leading-crlf", test_datagram_leading_crlf);
  g_test_add_func ("/sip/message/refcount", test_refcount);
  g_test_add_func ("/sip/message/stamp-via", test_stamp_via);
  g_test_add_func ("/sip/message/stamp-via/no-source", test_stamp_via_no_source);

  for (i = 0; i < G_N_ELEMENTS (bad_messages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sip/message/errors/%s", bad_messages[i].name);

      g_test_add_data_func (path, &bad_messages[i], test_bad_message);
    }
  for (i = 0; i < G_N_ELEMENTS (round_trip_messages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sip/message/round-trip/%s", round_trip_messages[i].name);

      g_test_add_data_func (path, &round_trip_messages[i], test_round_trip);
    }

  return g_test_run ();
}
