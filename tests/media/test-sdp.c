/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-sdp.c — unit tests of the SDP offer/answer (sdp.h).
 *
 * /sdp/rfc4317/ replays the audio-relevant examples of RFC 4317 ("SDP
 * Offer/Answer Examples"), quoting the RFC's SDP.  Tincan plays Bob (the
 * answerer) where the RFC's offer can be taken as is; where Tincan plays
 * Alice its offer is its own, and Bob's SDP is quoted with two changes
 * noted in place: iLBC, which Tincan lacks, becomes a codec it has, and
 * m= lines Tincan never offered (video) are left out.  In every example
 * the c= names are replaced by RFC 5737 documentation addresses, since
 * media does not resolve names:
 *
 *   host.atlanta.example.com        192.0.2.10
 *   host.biloxi.example.com         192.0.2.20
 *   newhost.biloxi.example.com      192.0.2.21
 *   placeholder.biloxi.example.com  192.0.2.29
 *
 * (o= keeps the names: it is only an identifier.)  The RFC's answers are
 * one possible answer; Tincan's differ where its choices differ (no video,
 * one audio stream), and each test says so.
 *
 * The other tests: our offer's text, payload type numbers both ways,
 * telephone-event, ptime/maxptime, Opus FEC, a=rtcp, rtcp-mux, c= levels
 * and IPv6, directions, profiles, o= version handling, errors with their
 * Warning codes, and invalid input.
 */
#include <string.h>

#include <glib.h>

#include "media/media-error.h"
#include "media/sdp.h"

#define LOCAL "192.0.2.1"
#define LOCAL_RTP 40000
#define LOCAL_RTCP 40001

/* The default policy: opus, G722, PCMU, PCMA; telephone-event, rtcp-mux,
 * Opus FEC; ptime 20. */
#define DEFAULT_CODECS NULL

static TcSdpSession *
session_with (const char *codecs, gboolean telephone_event, gboolean rtcp_mux, gboolean opus_fec)
{
  TcMediaPolicy policy;
  TcSdpSession *s;

  tc_media_policy_init (&policy);
  if (codecs)
    {
      g_array_unref (policy.codecs);
      policy.codecs = tc_codec_list_parse (codecs, NULL);
      g_assert_nonnull (policy.codecs);
    }
  policy.telephone_event = telephone_event;
  policy.rtcp_mux = rtcp_mux;
  policy.opus_fec = opus_fec;
  s = tc_sdp_session_new (&policy, LOCAL, LOCAL_RTP, LOCAL_RTCP);
  tc_media_policy_clear (&policy);
  return s;
}

static TcSdpSession *
session_default (void)
{
  return session_with (DEFAULT_CODECS, TRUE, TRUE, TRUE);
}

/* @text with every LF made CRLF. */
static char *
crlf (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv ("\r\n", lines);
}

static guint64
origin_version (const char *sdp)
{
  const char *o = strstr (sdp, "\r\no=");
  g_auto (GStrv) words = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (o);
  line = g_strndup (o + 4, strcspn (o + 4, "\r"));
  words = g_strsplit (line, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 6);
  return g_ascii_strtoull (words[2], NULL, 10);
}

/* Our SDP is CRLF throughout, starts with v=0, has our o= line, and is an
 * offer another Tincan can answer. */
static void
assert_wellformed (const char *sdp)
{
  g_autoptr (TcSdpSession) other = session_with ("opus,g722,pcmu,pcma", TRUE, TRUE, TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;

  g_assert_true (g_str_has_prefix (sdp, "v=0\r\no=- "));
  g_assert_true (g_str_has_suffix (sdp, "\r\n"));
  for (const char *p = sdp; *p; p++)
    if (*p == '\n')
      g_assert_true (p > sdp && p[-1] == '\r');
  answer = tc_sdp_session_create_answer (other, sdp, strlen (sdp), TC_MEDIA_DIRECTION_SENDRECV, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
}

/* @sdp with the o= line cut to "o=-", and LF line ends: what tests
 * compare. */
static char *
body (const char *sdp)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      g_string_append_printf (out, "%s\n", g_str_has_prefix (lines[i], "o=") ? "o=-" : lines[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define HEAD "v=0\no=-\ns=-\nc=IN IP4 " LOCAL "\nt=0 0\n"

static void
assert_body (const char *sdp, const char *expected)
{
  g_autofree char *got = body (sdp);

  g_assert_cmpstr (got, ==, expected);
}

static char *
offer (TcSdpSession *s, TcMediaDirection direction)
{
  char *sdp = tc_sdp_session_create_offer (s, direction);

  g_assert_nonnull (sdp);
  assert_wellformed (sdp);
  g_assert_true (tc_sdp_session_has_pending_offer (s));
  return sdp;
}

/* Our answer to @remote (LF line ends, made CRLF here). */
static char *
answer (TcSdpSession *s, const char *remote, TcMediaDirection local, TcMediaParams *params)
{
  g_autofree char *sdp = crlf (remote);
  g_autoptr (GError) error = NULL;
  char *text = tc_sdp_session_create_answer (s, sdp, strlen (sdp), local, params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_assert_cmpuint (tc_sdp_session_get_warning_code (s), ==, 0);
  g_assert_cmpstr (tc_sdp_session_get_local_sdp (s), ==, text);
  assert_wellformed (text);
  return text;
}

static void
process (TcSdpSession *s, const char *remote, TcMediaParams *params)
{
  g_autofree char *sdp = crlf (remote);
  g_autoptr (GError) error = NULL;

  g_assert_true (tc_sdp_session_process_answer (s, sdp, strlen (sdp), params, &error));
  g_assert_no_error (error);
  g_assert_false (tc_sdp_session_has_pending_offer (s));
  g_assert_cmpuint (tc_sdp_session_get_warning_code (s), ==, 0);
}

/* An error message fit for a Warning header's quoted-string. */
static void
assert_printable (const char *message)
{
  g_assert_cmpuint (strlen (message), >, 0);
  for (const char *p = message; *p; p++)
    g_assert_true (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\');
}

static void
answer_error (TcSdpSession *s, const char *remote, gsize len, TcMediaErrorCode code, const char *message, guint warning)
{
  g_autoptr (GError) error = NULL;
  TcMediaParams params;
  const char *before = tc_sdp_session_get_local_sdp (s);
  g_autofree char *before_copy = g_strdup (before);
  char *text;

  tc_media_params_init (&params);
  text = tc_sdp_session_create_answer (s, remote, len, TC_MEDIA_DIRECTION_SENDRECV, &params, &error);
  g_assert_null (text);
  g_assert_error (error, TC_MEDIA_ERROR, (gint) code);
  assert_printable (error->message);
  if (message)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpuint (tc_sdp_session_get_warning_code (s), ==, warning);
  g_assert_cmpstr (tc_sdp_session_get_local_sdp (s), ==, before_copy);
  g_assert_null (params.remote_rtp);
  g_assert_cmpuint (params.receive->len, ==, 0);
  tc_media_params_clear (&params);
}

static void
answer_error_lf (TcSdpSession *s, const char *remote, TcMediaErrorCode code, const char *message, guint warning)
{
  g_autofree char *sdp = crlf (remote);

  answer_error (s, sdp, strlen (sdp), code, message, warning);
}

static void
process_error (TcSdpSession *s, const char *remote, TcMediaErrorCode code, const char *message, guint warning)
{
  g_autofree char *sdp = crlf (remote);
  g_autoptr (GError) error = NULL;

  g_assert_false (tc_sdp_session_process_answer (s, sdp, strlen (sdp), NULL, &error));
  g_assert_error (error, TC_MEDIA_ERROR, (gint) code);
  assert_printable (error->message);
  if (message)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpuint (tc_sdp_session_get_warning_code (s), ==, warning);
}

static void
assert_address (GInetSocketAddress *address, const char *ip, guint port)
{
  g_autofree char *text = NULL;

  if (!ip)
    {
      g_assert_null (address);
      return;
    }
  g_assert_nonnull (address);
  text = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  g_assert_cmpstr (text, ==, ip);
  g_assert_cmpuint (g_inet_socket_address_get_port (address), ==, port);
}

/* The receive payload types, "0 8". */
static void
assert_receive (const TcMediaParams *params, const char *expected)
{
  g_autoptr (GString) pts = g_string_new (NULL);

  for (guint i = 0; i < params->receive->len; i++)
    g_string_append_printf (pts, "%s%u", i ? " " : "", g_array_index (params->receive, TcPayload, i).pt);
  g_assert_cmpstr (pts->str, ==, expected);
}

static void
assert_send (const TcMediaParams *params, TcCodec codec, guint pt)
{
  g_assert_cmpint (params->send.codec, ==, codec);
  g_assert_cmpuint (params->send.pt, ==, pt);
  g_assert_cmpuint (params->send.clock_rate, ==, tc_codec_get_info (codec)->clock_rate);
}

static void
assert_directions (const TcMediaParams *params, TcMediaDirection ours, TcMediaDirection remote)
{
  g_assert_cmpstr (tc_media_direction_to_string (params->direction), ==, tc_media_direction_to_string (ours));
  g_assert_cmpstr (tc_media_direction_to_string (params->remote_direction), ==, tc_media_direction_to_string (remote));
}

/* RFC 4317 §2.1: audio and video, several codecs offered.  Tincan as
 * Bob: it takes PCMU and PCMA (iLBC is not ours) in the offer's order and
 * rejects the video with port 0 and the offer's formats (Bob in the RFC
 * takes video). */
static const char rfc4317_2_1_offer[] = "v=0\n"
                                        "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                        "s= \n"
                                        "c=IN IP4 192.0.2.10\n"
                                        "t=0 0\n"
                                        "m=audio 49170 RTP/AVP 0 8 97\n"
                                        "a=rtpmap:0 PCMU/8000\n"
                                        "a=rtpmap:8 PCMA/8000\n"
                                        "a=rtpmap:97 iLBC/8000\n"
                                        "m=video 51372 RTP/AVP 31 32\n"
                                        "a=rtpmap:31 H261/90000\n"
                                        "a=rtpmap:32 MPV/90000\n";

static void
test_rfc4317_2_1 (void)
{
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  text = answer (s, rfc4317_2_1_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (text, HEAD "m=audio 40000 RTP/AVP 0 8\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=rtpmap:8 PCMA/8000\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendrecv\n"
                          "m=video 0 RTP/AVP 31 32\n");
  assert_send (&params, TC_CODEC_PCMU, 0);
  assert_receive (&params, "0 8");
  assert_address (params.remote_rtp, "192.0.2.10", 49170);
  assert_address (params.remote_rtcp, "192.0.2.10", 49171);
  g_assert_false (params.rtcp_mux);
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_cmpuint (params.send_dtmf_pt, ==, 0);
  g_assert_cmpuint (params.recv_dtmf_pt, ==, 0);
  g_assert_cmpuint (params.ptime, ==, 20);
  g_assert_false (params.opus_fec);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

/* RFC 4317 §2.2: the offerer narrows to one codec in a second offer with
 * a new version; the declined video stays with port 0.  Tincan as Bob:
 * its second answer has a new version too. */
static void
test_rfc4317_2_2 (void)
{
  static const char second_offer[] = "v=0\n"
                                     "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                                     "s= \n"
                                     "c=IN IP4 192.0.2.10\n"
                                     "t=0 0\n"
                                     "m=audio 51372 RTP/AVP 0\n"
                                     "a=rtpmap:0 PCMU/8000\n"
                                     "m=video 0 RTP/AVP 31\n"
                                     "a=rtpmap:31 H261/90000\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  first = answer (s, rfc4317_2_1_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  second = answer (s, second_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (second, HEAD "m=audio 40000 RTP/AVP 0\n"
                            "a=rtpmap:0 PCMU/8000\n"
                            "a=ptime:20\n"
                            "a=rtcp:40001\n"
                            "a=sendrecv\n"
                            "m=video 0 RTP/AVP 31\n");
  g_assert_cmpuint (origin_version (second), ==, origin_version (first) + 1);
  assert_send (&params, TC_CODEC_PCMU, 0);
  assert_receive (&params, "0");
  assert_address (params.remote_rtp, "192.0.2.10", 51372);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

/* RFC 4317 §2.3: the answerer may use another number for a dynamic
 * payload type (97 → 99 for iLBC there).  Tincan as Alice, with opus in
 * place of iLBC: it offers opus as 111, Bob answers 99; Tincan sends with
 * 99 and receives with 111, its own number. */
static void
test_rfc4317_2_3 (void)
{
  static const char bob_answer[] = "v=0\n"
                                   "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\n"
                                   "s= \n"
                                   "c=IN IP4 192.0.2.20\n"
                                   "t=0 0\n"
                                   "m=audio 49172 RTP/AVP 99\n"
                                   "a=rtpmap:99 opus/48000/2\n"; /* RFC: iLBC/8000 */
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  TcMediaParams params;

  tc_media_params_init (&params);
  process (s, bob_answer, &params);
  assert_send (&params, TC_CODEC_OPUS, 99);
  g_assert_cmpuint (params.send.channels, ==, 2);
  assert_receive (&params, "111");
  g_assert_cmpint (g_array_index (params.receive, TcPayload, 0).codec, ==, TC_CODEC_OPUS);
  g_assert_cmpstr (g_array_index (params.receive, TcPayload, 0).fmtp, ==, "useinbandfec=1");
  assert_address (params.remote_rtp, "192.0.2.20", 49172);
  g_assert_cmpuint (params.send_dtmf_pt, ==, 0);
  g_assert_cmpuint (params.recv_dtmf_pt, ==, 0);
  tc_media_params_clear (&params);
}

/* RFC 4317 §2.4 (and the first exchange of §3.2): two audio streams, the
 * second for telephone-events only.  Tincan as Bob takes the first and
 * rejects the second (Tincan sends RFC 4733 events in the voice stream);
 * the RFC's Bob takes both. */
static const char rfc4317_2_4_offer[] = "v=0\n"
                                        "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                        "s= \n"
                                        "c=IN IP4 192.0.2.10\n"
                                        "t=0 0\n"
                                        "m=audio 49170 RTP/AVP 0 97\n"
                                        "a=rtpmap:0 PCMU/8000\n"
                                        "a=rtpmap:97 iLBC/8000\n"
                                        "m=audio 49172 RTP/AVP 98\n"
                                        "a=rtpmap:98 telephone-event/8000\n"
                                        "a=sendonly\n";

static void
test_rfc4317_2_4 (void)
{
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  text = answer (s, rfc4317_2_4_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (text, HEAD "m=audio 40000 RTP/AVP 0\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendrecv\n"
                          "m=audio 0 RTP/AVP 98\n");
  assert_send (&params, TC_CODEC_PCMU, 0);
  g_assert_cmpuint (params.send_dtmf_pt, ==, 0);
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV);
  tc_media_params_clear (&params);
}

/* RFC 4317 §2.5: Bob moves his media in a second offer; Alice answers
 * with the SDP of the first exchange and so keeps her version.  Tincan
 * as Alice (PCMU only, in place of iLBC; no video): its answer equals its
 * offer, so the version stays too. */
static void
test_rfc4317_2_5 (void)
{
  static const char bob_answer[] = "v=0\n"
                                   "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\n"
                                   "s= \n"
                                   "c=IN IP4 192.0.2.20\n"
                                   "t=0 0\n"
                                   "m=audio 49174 RTP/AVP 0\n" /* RFC: 97 */
                                   "a=rtpmap:0 PCMU/8000\n";   /* RFC: 97 iLBC/8000 */
  static const char bob_second_offer[] = "v=0\n"
                                         "o=bob 2808844564 2808844565 IN IP4 host.biloxi.example.com\n"
                                         "s= \n"
                                         "c=IN IP4 192.0.2.21\n"
                                         "t=0 0\n"
                                         "m=audio 49178 RTP/AVP 0\n"
                                         "a=rtpmap:0 PCMU/8000\n";
  g_autoptr (TcSdpSession) s = session_with ("pcmu", FALSE, FALSE, FALSE);
  g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *second = NULL;
  TcMediaParams params;

  assert_body (ours, HEAD "m=audio 40000 RTP/AVP 0\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendrecv\n");
  tc_media_params_init (&params);
  process (s, bob_answer, &params);
  assert_address (params.remote_rtp, "192.0.2.20", 49174);
  g_assert_true (params.changed);
  second = answer (s, bob_second_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_cmpstr (second, ==, ours);
  assert_address (params.remote_rtp, "192.0.2.21", 49178);
  assert_address (params.remote_rtcp, "192.0.2.21", 49179);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

/* RFC 4317 §2.6: two alternative audio streams.  Tincan as Bob takes the
 * first (PCMU) and rejects the second (iLBC with telephone-event); the
 * RFC's Bob chooses the other way round.  Either is a legal answer. */
static void
test_rfc4317_2_6 (void)
{
  static const char offer_sdp[] = "v=0\n"
                                  "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                  "s= \n"
                                  "c=IN IP4 192.0.2.10\n"
                                  "t=0 0\n"
                                  "m=audio 49170 RTP/AVP 0\n"
                                  "a=rtpmap:0 PCMU/8000\n"
                                  "m=audio 51372 RTP/AVP 97 101\n"
                                  "a=rtpmap:97 iLBC/8000\n"
                                  "a=rtpmap:101 telephone-event/8000\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  text = answer (s, offer_sdp, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (text, HEAD "m=audio 40000 RTP/AVP 0\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendrecv\n"
                          "m=audio 0 RTP/AVP 97 101\n");
  assert_address (params.remote_rtp, "192.0.2.10", 49170);
  tc_media_params_clear (&params);
}

/* RFC 4317 §3.1, Tincan as Alice (PCMA in place of iLBC): Bob answers
 * sendonly, holding her; Tincan then only receives and sees the remote
 * holding.  Bob's second offer resumes. */
static void
test_rfc4317_3_1_alice (void)
{
  static const char bob_answer[] = "v=0\n"
                                   "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\n"
                                   "s= \n"
                                   "c=IN IP4 192.0.2.29\n"
                                   "t=0 0\n"
                                   "m=audio 49172 RTP/AVP 8\n" /* RFC: 97 */
                                   "a=rtpmap:8 PCMA/8000\n"    /* RFC: 97 iLBC/8000 */
                                   "a=sendonly\n";
  static const char bob_second_offer[] = "v=0\n"
                                         "o=bob 2808844564 2808844565 IN IP4 host.biloxi.example.com\n"
                                         "s= \n"
                                         "c=IN IP4 192.0.2.20\n"
                                         "t=0 0\n"
                                         "m=audio 49170 RTP/AVP 8\n"
                                         "a=rtpmap:8 PCMA/8000\n";
  g_autoptr (TcSdpSession) s = session_with ("pcmu,pcma", FALSE, FALSE, FALSE);
  g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *second = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  process (s, bob_answer, &params);
  assert_send (&params, TC_CODEC_PCMA, 8);
  assert_receive (&params, "8");
  assert_directions (&params, TC_MEDIA_DIRECTION_RECVONLY, TC_MEDIA_DIRECTION_SENDONLY);
  assert_address (params.remote_rtp, "192.0.2.29", 49172);

  second = answer (s, bob_second_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (second, HEAD "m=audio 40000 RTP/AVP 8\n"
                            "a=rtpmap:8 PCMA/8000\n"
                            "a=ptime:20\n"
                            "a=rtcp:40001\n"
                            "a=sendrecv\n");
  g_assert_cmpuint (origin_version (second), ==, origin_version (ours) + 1);
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV);
  assert_address (params.remote_rtp, "192.0.2.20", 49170);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

/* RFC 4317 §3.1, Tincan as Bob: it answers Alice's offer holding her
 * (sendonly), then resumes with its own offer: version + 1, PCMU keeps
 * its number 0 (RFC 3264 §8.3.2).  Alice's answer (PCMU in place of
 * iLBC) makes the stream sendrecv again. */
static void
test_rfc4317_3_1_bob (void)
{
  static const char alice_offer[] = "v=0\n"
                                    "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                    "s= \n"
                                    "c=IN IP4 192.0.2.10\n"
                                    "t=0 0\n"
                                    "m=audio 49170 RTP/AVP 0 97\n"
                                    "a=rtpmap:0 PCMU/8000\n"
                                    "a=rtpmap:97 iLBC/8000\n";
  static const char alice_second_answer[] = "v=0\n"
                                            "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                                            "s= \n"
                                            "c=IN IP4 192.0.2.10\n"
                                            "t=0 0\n"
                                            "m=audio 49178 RTP/AVP 0\n" /* RFC: 97 */
                                            "a=rtpmap:0 PCMU/8000\n";   /* RFC: 97 iLBC/8000 */
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *held = NULL;
  g_autofree char *resume = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  held = answer (s, alice_offer, TC_MEDIA_DIRECTION_SENDONLY, &params);
  assert_body (held, HEAD "m=audio 40000 RTP/AVP 0\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendonly\n");
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDONLY, TC_MEDIA_DIRECTION_SENDRECV);

  resume = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_cmpuint (origin_version (resume), ==, origin_version (held) + 1);
  assert_body (resume, HEAD "m=audio 40000 RTP/AVP 111 9 0 8 101\n"
                            "a=rtpmap:111 opus/48000/2\n"
                            "a=fmtp:111 useinbandfec=1\n"
                            "a=rtpmap:9 G722/8000\n"
                            "a=rtpmap:0 PCMU/8000\n"
                            "a=rtpmap:8 PCMA/8000\n"
                            "a=rtpmap:101 telephone-event/8000\n"
                            "a=fmtp:101 0-16\n"
                            "a=ptime:20\n"
                            "a=rtcp:40001\n"
                            "a=rtcp-mux\n"
                            "a=sendrecv\n");
  process (s, alice_second_answer, &params);
  assert_send (&params, TC_CODEC_PCMU, 0);
  assert_receive (&params, "0");
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV);
  assert_address (params.remote_rtp, "192.0.2.10", 49178);
  g_assert_false (params.rtcp_mux);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

/* RFC 4317 §3.2: hold with two streams.  Tincan as Bob answers the offer
 * of §2.4 (the second stream rejected), then holds Alice: its offer keeps
 * the rejected line in place with port 0.  Alice's answer is the RFC's
 * ("identical SDP to the initial offer", so without a direction), but
 * with port 0 on the stream we rejected. */
static void
test_rfc4317_3_2 (void)
{
  static const char alice_second_answer[] = "v=0\n"
                                            "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                                            "s= \n"
                                            "c=IN IP4 192.0.2.10\n"
                                            "t=0 0\n"
                                            "m=audio 49170 RTP/AVP 0 97\n"
                                            "a=rtpmap:0 PCMU/8000\n"
                                            "a=rtpmap:97 iLBC/8000\n"
                                            "m=audio 0 RTP/AVP 98\n" /* RFC: 49172 */
                                            "a=rtpmap:98 telephone-event/8000\n"
                                            "a=sendonly\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *first = NULL;
  g_autofree char *hold = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  first = answer (s, rfc4317_2_4_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  hold = offer (s, TC_MEDIA_DIRECTION_SENDONLY);
  assert_body (hold, HEAD "m=audio 40000 RTP/AVP 111 9 0 8 101\n"
                          "a=rtpmap:111 opus/48000/2\n"
                          "a=fmtp:111 useinbandfec=1\n"
                          "a=rtpmap:9 G722/8000\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=rtpmap:8 PCMA/8000\n"
                          "a=rtpmap:101 telephone-event/8000\n"
                          "a=fmtp:101 0-16\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=rtcp-mux\n"
                          "a=sendonly\n"
                          "m=audio 0 RTP/AVP 98\n");
  process (s, alice_second_answer, &params);
  assert_send (&params, TC_CODEC_PCMU, 0);
  /* Our offer said sendonly: an answer without a direction still leaves
   * us sending only (RFC 3264 §6.1). */
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDONLY, TC_MEDIA_DIRECTION_SENDRECV);
  tc_media_params_clear (&params);
}

/* RFC 4317 §4.1: Bob adds a telephone-event stream from a media server
 * in a second offer.  Tincan as Alice (PCMU in place of iLBC) rejects the
 * added stream; the line keeps the RFC's c= name, which Tincan never
 * reads since it does not use the line. */
static void
test_rfc4317_4_1 (void)
{
  static const char bob_answer[] = "v=0\n"
                                   "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\n"
                                   "s= \n"
                                   "c=IN IP4 192.0.2.20\n"
                                   "t=0 0\n"
                                   "m=audio 49170 RTP/AVP 0\n" /* RFC: 97 */
                                   "a=rtpmap:0 PCMU/8000\n";   /* RFC: 97 iLBC/8000 */
  static const char bob_second_offer[] = "v=0\n"
                                         "o=bob 2808844564 2808844565 IN IP4 host.biloxi.example.com\n"
                                         "s= \n"
                                         "c=IN IP4 192.0.2.20\n"
                                         "t=0 0\n"
                                         "m=audio 49170 RTP/AVP 0\n" /* RFC: 97 */
                                         "a=rtpmap:0 PCMU/8000\n"    /* RFC: 97 iLBC/8000 */
                                         "m=audio 48282 RTP/AVP 98\n"
                                         "c=IN IP4 mediaserver.biloxi.example.com\n"
                                         "a=rtpmap:98 telephone-event/8000\n"
                                         "a=recvonly\n";
  g_autoptr (TcSdpSession) s = session_with ("pcmu", FALSE, FALSE, FALSE);
  g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *second = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  process (s, bob_answer, &params);
  second = answer (s, bob_second_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (second, HEAD "m=audio 40000 RTP/AVP 0\n"
                            "a=rtpmap:0 PCMU/8000\n"
                            "a=ptime:20\n"
                            "a=rtcp:40001\n"
                            "a=sendrecv\n"
                            "m=audio 0 RTP/AVP 98\n");
  g_assert_cmpuint (origin_version (second), ==, origin_version (ours) + 1);
  assert_address (params.remote_rtp, "192.0.2.20", 49170);
  tc_media_params_clear (&params);
}

/* RFC 4317 §4.2: Alice adds video in a second offer.  Tincan as Bob
 * rejects it (port 0, version + 1), and the line stays in its own later
 * offers. */
static void
test_rfc4317_4_2 (void)
{
  static const char alice_offer[] = "v=0\n"
                                    "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                    "s= \n"
                                    "c=IN IP4 192.0.2.10\n"
                                    "t=0 0\n"
                                    "m=audio 49170 RTP/AVP 0\n"
                                    "a=rtpmap:0 PCMU/8000\n";
  static const char alice_second_offer[] = "v=0\n"
                                           "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                                           "s= \n"
                                           "c=IN IP4 192.0.2.10\n"
                                           "t=0 0\n"
                                           "m=audio 49170 RTP/AVP 0\n"
                                           "a=rtpmap:0 PCMU/8000\n"
                                           "m=video 49172 RTP/AVP 31\n"
                                           "a=rtpmap:31 H261/90000\n";
  g_autoptr (TcSdpSession) s = session_with ("pcmu", FALSE, FALSE, FALSE);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *hold = NULL;

  first = answer (s, alice_offer, TC_MEDIA_DIRECTION_SENDRECV, NULL);
  assert_body (first, HEAD "m=audio 40000 RTP/AVP 0\n"
                           "a=rtpmap:0 PCMU/8000\n"
                           "a=ptime:20\n"
                           "a=rtcp:40001\n"
                           "a=sendrecv\n");
  second = answer (s, alice_second_offer, TC_MEDIA_DIRECTION_SENDRECV, NULL);
  assert_body (second, HEAD "m=audio 40000 RTP/AVP 0\n"
                            "a=rtpmap:0 PCMU/8000\n"
                            "a=ptime:20\n"
                            "a=rtcp:40001\n"
                            "a=sendrecv\n"
                            "m=video 0 RTP/AVP 31\n");
  g_assert_cmpuint (origin_version (second), ==, origin_version (first) + 1);
  hold = offer (s, TC_MEDIA_DIRECTION_SENDONLY);
  assert_body (hold, HEAD "m=audio 40000 RTP/AVP 0\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendonly\n"
                          "m=video 0 RTP/AVP 31\n");
}

/* RFC 4317 §4.3: audio and video, then video deleted.  Tincan as Bob
 * (opus as 97 in place of iLBC): it rejected the video at once, so Bob's
 * second offer — the one deleting the video — is its own, and already
 * has video port 0; opus keeps the offerer's 97 in it. */
static void
test_rfc4317_4_3 (void)
{
  static const char alice_offer[] = "v=0\n"
                                    "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                    "s= \n"
                                    "c=IN IP4 192.0.2.10\n"
                                    "t=0 0\n"
                                    "m=audio 49170 RTP/AVP 97\n"
                                    "a=rtpmap:97 opus/48000/2\n" /* RFC: iLBC/8000 */
                                    "m=video 51372 RTP/AVP 31\n"
                                    "a=rtpmap:31 H261/90000\n";
  static const char alice_second_answer[] = "v=0\n"
                                            "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                                            "s= \n"
                                            "c=IN IP4 192.0.2.10\n"
                                            "t=0 0\n"
                                            "m=audio 49170 RTP/AVP 97\n"
                                            "a=rtpmap:97 opus/48000/2\n" /* RFC: iLBC/8000 */
                                            "m=video 0 RTP/AVP 31\n"
                                            "a=rtpmap:31 H261/90000\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  first = answer (s, alice_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (first, HEAD "m=audio 40000 RTP/AVP 97\n"
                           "a=rtpmap:97 opus/48000/2\n"
                           "a=fmtp:97 useinbandfec=1\n"
                           "a=ptime:20\n"
                           "a=rtcp:40001\n"
                           "a=sendrecv\n"
                           "m=video 0 RTP/AVP 31\n");
  assert_send (&params, TC_CODEC_OPUS, 97);
  assert_receive (&params, "97");
  second = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  assert_body (second, HEAD "m=audio 40000 RTP/AVP 97 9 0 8 101\n"
                            "a=rtpmap:97 opus/48000/2\n"
                            "a=fmtp:97 useinbandfec=1\n"
                            "a=rtpmap:9 G722/8000\n"
                            "a=rtpmap:0 PCMU/8000\n"
                            "a=rtpmap:8 PCMA/8000\n"
                            "a=rtpmap:101 telephone-event/8000\n"
                            "a=fmtp:101 0-16\n"
                            "a=ptime:20\n"
                            "a=rtcp:40001\n"
                            "a=rtcp-mux\n"
                            "a=sendrecv\n"
                            "m=video 0 RTP/AVP 31\n");
  process (s, alice_second_answer, &params);
  assert_send (&params, TC_CODEC_OPUS, 97);
  assert_receive (&params, "97");
  tc_media_params_clear (&params);
}

/* RFC 4317 §5.1: no media, then audio added.  Tincan refuses an offer
 * without audio (a call with nothing to carry: 488 with Warning 304) and
 * stays as it was; the second offer (opus in place of iLBC) works. */
static void
test_rfc4317_5_1 (void)
{
  static const char no_media[] = "v=0\n"
                                 "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                 "s= \n"
                                 "c=IN IP4 192.0.2.10\n"
                                 "t=0 0\n";
  static const char audio[] = "v=0\n"
                              "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                              "s= \n"
                              "c=IN IP4 192.0.2.10\n"
                              "t=0 0\n"
                              "m=audio 49170 RTP/AVP 97\n"
                              "a=rtpmap:97 opus/48000/2\n"; /* RFC: iLBC/8000 */
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = NULL;

  answer_error_lf (s, no_media, TC_MEDIA_ERROR_NO_CODEC, "the offer has no audio stream", 304);
  g_assert_null (tc_sdp_session_get_params (s));
  text = answer (s, audio, TC_MEDIA_DIRECTION_SENDRECV, NULL);
  g_assert_nonnull (tc_sdp_session_get_params (s));
  g_assert_cmpuint (tc_sdp_session_get_params (s)->send.pt, ==, 97);
}

/* RFC 4317 §5.2: an offer with c=0.0.0.0 ("black hole").  Tincan as Bob
 * (opus in place of iLBC) answers with normal SDP, as the RFC does, and
 * sees no address to send to and a remote that receives nothing; the
 * second offer gives an address, and Tincan's answer, being the same,
 * keeps its version, as Bob's does in the RFC. */
static void
test_rfc4317_5_2 (void)
{
  static const char black_hole[] = "v=0\n"
                                   "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\n"
                                   "s= \n"
                                   "c=IN IP4 0.0.0.0\n"
                                   "t=0 0\n"
                                   "m=audio 23442 RTP/AVP 97\n"
                                   "a=rtpmap:97 opus/48000/2\n"; /* RFC: iLBC/8000 */
  static const char second_offer[] = "v=0\n"
                                     "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\n"
                                     "s= \n"
                                     "c=IN IP4 192.0.2.10\n"
                                     "t=0 0\n"
                                     "m=audio 49170 RTP/AVP 97\n"
                                     "a=rtpmap:97 opus/48000/2\n"; /* RFC: iLBC/8000 */
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  first = answer (s, black_hole, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (first, HEAD "m=audio 40000 RTP/AVP 97\n"
                           "a=rtpmap:97 opus/48000/2\n"
                           "a=fmtp:97 useinbandfec=1\n"
                           "a=ptime:20\n"
                           "a=rtcp:40001\n"
                           "a=sendrecv\n");
  assert_address (params.remote_rtp, NULL, 0);
  assert_address (params.remote_rtcp, NULL, 0);
  assert_directions (&params, TC_MEDIA_DIRECTION_RECVONLY, TC_MEDIA_DIRECTION_SENDONLY);

  second = answer (s, second_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_cmpstr (second, ==, first);
  assert_address (params.remote_rtp, "192.0.2.10", 49170);
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

/* RFC 4317 §5.3: the answer has c=0.0.0.0.  Tincan as Alice (opus in
 * place of iLBC) sees the remote holding it; Bob's second offer gives an
 * address, and Tincan's answer equals its offer, so keeps the version, as
 * Alice's does in the RFC. */
static void
test_rfc4317_5_3 (void)
{
  static const char bob_answer[] = "v=0\n"
                                   "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\n"
                                   "s= \n"
                                   "c=IN IP4 0.0.0.0\n"
                                   "t=0 0\n"
                                   "m=audio 9322 RTP/AVP 111\n"   /* RFC: 97 */
                                   "a=rtpmap:111 opus/48000/2\n"; /* RFC: 97 iLBC/8000 */
  static const char bob_second_offer[] = "v=0\n"
                                         "o=bob 2808844564 2808844565 IN IP4 host.biloxi.example.com\n"
                                         "s= \n"
                                         "c=IN IP4 192.0.2.20\n"
                                         "t=0 0\n"
                                         "m=audio 49172 RTP/AVP 111\n"  /* RFC: 97 */
                                         "a=rtpmap:111 opus/48000/2\n"; /* RFC: 97 iLBC/8000 */
  g_autoptr (TcSdpSession) s = session_with ("opus", FALSE, FALSE, FALSE);
  g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *second = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  process (s, bob_answer, &params);
  assert_address (params.remote_rtp, NULL, 0);
  assert_directions (&params, TC_MEDIA_DIRECTION_RECVONLY, TC_MEDIA_DIRECTION_SENDONLY);
  second = answer (s, bob_second_offer, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_cmpstr (second, ==, ours);
  assert_address (params.remote_rtp, "192.0.2.20", 49172);
  assert_directions (&params, TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV);
  tc_media_params_clear (&params);
}

/* Our offers. */

static void
test_offer_format (void)
{
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *origin = NULL;

  assert_body (text, HEAD "m=audio 40000 RTP/AVP 111 9 0 8 101\n"
                          "a=rtpmap:111 opus/48000/2\n"
                          "a=fmtp:111 useinbandfec=1\n"
                          "a=rtpmap:9 G722/8000\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=rtpmap:8 PCMA/8000\n"
                          "a=rtpmap:101 telephone-event/8000\n"
                          "a=fmtp:101 0-16\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=rtcp-mux\n"
                          "a=sendrecv\n");
  origin = g_strdup_printf ("\r\no=- %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " IN IP4 " LOCAL "\r\n",
                            origin_version (text), origin_version (text));
  g_assert_nonnull (strstr (text, origin));
}

/* The policy's order, without telephone-event, FEC or rtcp-mux; RTCP at
 * RTP + 1 when no port is given. */
static void
test_offer_policy (void)
{
  TcMediaPolicy policy;
  g_autoptr (TcSdpSession) s = NULL;
  g_autofree char *text = NULL;

  tc_media_policy_init (&policy);
  g_array_unref (policy.codecs);
  policy.codecs = tc_codec_list_parse ("pcma,opus", NULL);
  policy.telephone_event = FALSE;
  policy.opus_fec = FALSE;
  policy.rtcp_mux = FALSE;
  policy.ptime = 30;
  s = tc_sdp_session_new (&policy, LOCAL, 50000, 0);
  tc_media_policy_clear (&policy);
  text = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  assert_body (text, HEAD "m=audio 50000 RTP/AVP 8 111\n"
                          "a=rtpmap:8 PCMA/8000\n"
                          "a=rtpmap:111 opus/48000/2\n"
                          "a=ptime:30\n"
                          "a=rtcp:50001\n"
                          "a=sendrecv\n");
}

/* RFC 3264 §8: the version grows by one exactly when our SDP changes. */
static void
test_offer_version (void)
{
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *a = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *b = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *hold = offer (s, TC_MEDIA_DIRECTION_SENDONLY);
  g_autofree char *hold_again = offer (s, TC_MEDIA_DIRECTION_SENDONLY);
  g_autofree char *inactive = offer (s, TC_MEDIA_DIRECTION_INACTIVE);
  g_autofree char *resume = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_autofree char *moved = NULL;
  g_autofree char *readdressed = NULL;
  guint64 v = origin_version (a);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpuint (origin_version (hold), ==, v + 1);
  g_assert_nonnull (strstr (hold, "\r\na=sendonly\r\n"));
  g_assert_cmpstr (hold_again, ==, hold);
  g_assert_cmpuint (origin_version (inactive), ==, v + 2);
  g_assert_nonnull (strstr (inactive, "\r\na=inactive\r\n"));
  g_assert_cmpuint (origin_version (resume), ==, v + 3);

  tc_sdp_session_set_local_ports (s, 41000, 41001);
  moved = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_cmpuint (origin_version (moved), ==, v + 4);
  g_assert_nonnull (strstr (moved, "\r\nm=audio 41000 RTP/AVP "));
  g_assert_nonnull (strstr (moved, "\r\na=rtcp:41001\r\n"));

  /* A new address goes into c=; o= keeps the first (RFC 3264 §8). */
  tc_sdp_session_set_local_address (s, "192.0.2.2");
  readdressed = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_cmpuint (origin_version (readdressed), ==, v + 5);
  g_assert_nonnull (strstr (readdressed, "\r\nc=IN IP4 192.0.2.2\r\n"));
  g_assert_nonnull (strstr (readdressed, " IN IP4 " LOCAL "\r\n"));
}

/* c=IN IP6 and o= IN IP6 for an IPv6 address; an IPv6 remote. */
static void
test_ipv6 (void)
{
  static const char remote[] = "v=0\n"
                               "o=bob 1 1 IN IP6 2001:db8::20\n"
                               "s=-\n"
                               "c=IN IP6 2001:db8::20\n"
                               "t=0 0\n"
                               "m=audio 30000 RTP/AVP 0\n";
  TcMediaPolicy policy;
  g_autoptr (TcSdpSession) s = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reply = NULL;
  TcMediaParams params;

  tc_media_policy_init (&policy);
  s = tc_sdp_session_new (&policy, "2001:db8::1", LOCAL_RTP, LOCAL_RTCP);
  tc_media_policy_clear (&policy);
  text = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_nonnull (strstr (text, " IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\n"));

  tc_media_params_init (&params);
  process (s, remote, &params);
  assert_address (params.remote_rtp, "2001:db8::20", 30000);
  assert_address (params.remote_rtcp, "2001:db8::20", 30001);
  g_assert_cmpint (g_socket_address_get_family (G_SOCKET_ADDRESS (params.remote_rtp)), ==, G_SOCKET_FAMILY_IPV6);

  /* c=IN IP6 :: is a hold, as 0.0.0.0 is. */
  reply = answer (s,
                  "v=0\no=bob 1 2 IN IP6 2001:db8::20\ns=-\nc=IN IP6 ::\nt=0 0\n"
                  "m=audio 30000 RTP/AVP 0\n",
                  TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_address (params.remote_rtp, NULL, 0);
  assert_directions (&params, TC_MEDIA_DIRECTION_RECVONLY, TC_MEDIA_DIRECTION_SENDONLY);
  tc_media_params_clear (&params);
}

/* Answers. */

static void
test_answer_no_common_codec (void)
{
  static const char remote[] = "v=0\n"
                               "o=carol 1 1 IN IP4 192.0.2.30\n"
                               "s=-\n"
                               "c=IN IP4 192.0.2.30\n"
                               "t=0 0\n"
                               "m=audio 30000 RTP/AVP 8 18 101\n"
                               "a=rtpmap:8 PCMA/8000\n"
                               "a=rtpmap:18 G729/8000\n"
                               "a=rtpmap:101 telephone-event/8000\n";
  g_autoptr (TcSdpSession) s = session_with ("opus,g722,pcmu", TRUE, TRUE, TRUE);
  g_autoptr (TcSdpSession) pcma_only = session_with ("pcma", FALSE, TRUE, TRUE);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  answer_error_lf (s, remote, TC_MEDIA_ERROR_NO_CODEC,
                   "no common codec: offered PCMA, G729; we accept opus, G722, PCMU", 305);
  g_assert_null (tc_sdp_session_get_local_sdp (s));
  g_assert_null (tc_sdp_session_get_params (s));

  /* Dynamic types without a=rtpmap and unknown names are named too. */
  answer_error_lf (s,
                   "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                   "m=audio 30000 RTP/AVP 96 97 3\na=rtpmap:97 AMR-WB/16000/1\n",
                   TC_MEDIA_ERROR_NO_CODEC, "no common codec: offered pt 96, AMR-WB, GSM; we accept opus, G722, PCMU",
                   305);

  /* telephone-event alone is no codec. */
  answer_error_lf (pcma_only,
                   "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                   "m=audio 30000 RTP/AVP 101\na=rtpmap:101 telephone-event/8000\n",
                   TC_MEDIA_ERROR_NO_CODEC, "no common codec: offered none; we accept PCMA", 305);
  text = answer (pcma_only, remote, TC_MEDIA_DIRECTION_SENDRECV, NULL);

  error = g_error_new_literal (TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "x");
  g_assert_cmpuint (tc_sdp_warning_code (error), ==, 305);
  g_clear_error (&error);
  error = g_error_new_literal (TC_MEDIA_ERROR, TC_MEDIA_ERROR_SDP, "x");
  g_assert_cmpuint (tc_sdp_warning_code (error), ==, 399);
}

/* RFC 3264 §6.1: the answer keeps the offer's numbers and order; static
 * types need no a=rtpmap; names are case-insensitive. */
static void
test_answer_payload_types (void)
{
  static const char remote[] = "v=0\n"
                               "o=carol 1 1 IN IP4 192.0.2.30\n"
                               "s=-\n"
                               "c=IN IP4 192.0.2.30\n"
                               "t=0 0\n"
                               "m=audio 30000 RTP/AVP 8 0 9 96 100\n"
                               "a=rtpmap:96 OPUS/48000/2\n"
                               "a=fmtp:96 maxplaybackrate=16000; useinbandfec=1\n"
                               "a=rtpmap:100 Telephone-Event/8000\n"
                               "a=fmtp:100 0-15\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = NULL;
  g_autofree char *reoffer = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  text = answer (s, remote, TC_MEDIA_DIRECTION_SENDRECV, &params);
  assert_body (text, HEAD "m=audio 40000 RTP/AVP 8 0 9 96 100\n"
                          "a=rtpmap:8 PCMA/8000\n"
                          "a=rtpmap:0 PCMU/8000\n"
                          "a=rtpmap:9 G722/8000\n"
                          "a=rtpmap:96 opus/48000/2\n"
                          "a=fmtp:96 useinbandfec=1\n"
                          "a=rtpmap:100 telephone-event/8000\n"
                          "a=fmtp:100 0-16\n"
                          "a=ptime:20\n"
                          "a=rtcp:40001\n"
                          "a=sendrecv\n");
  assert_send (&params, TC_CODEC_PCMA, 8);
  g_assert_null (params.send.fmtp);
  assert_receive (&params, "8 0 9 96");
  g_assert_cmpuint (params.send_dtmf_pt, ==, 100);
  g_assert_cmpuint (params.recv_dtmf_pt, ==, 100);
  g_assert_false (params.opus_fec); /* we send PCMA */

  /* A later offer of ours keeps those numbers (RFC 3264 §8.3.2). */
  reoffer = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  g_assert_nonnull (strstr (reoffer, "\r\nm=audio 40000 RTP/AVP 96 9 0 8 100\r\n"));
  g_assert_nonnull (strstr (reoffer, "\r\na=rtpmap:96 opus/48000/2\r\n"));
  g_assert_nonnull (strstr (reoffer, "\r\na=rtpmap:100 telephone-event/8000\r\n"));
  tc_media_params_clear (&params);
}

/* A remote that gives our default numbers to other codecs: our re-offer
 * moves ours out of the way, and keeps the agreed ones. */
static void
test_answer_pt_collision (void)
{
  static const char remote[] = "v=0\n"
                               "o=carol 1 1 IN IP4 192.0.2.30\n"
                               "s=-\n"
                               "c=IN IP4 192.0.2.30\n"
                               "t=0 0\n"
                               "m=audio 30000 RTP/AVP 101 111\n"
                               "a=rtpmap:101 opus/48000/2\n"
                               "a=rtpmap:111 telephone-event/8000\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = answer (s, remote, TC_MEDIA_DIRECTION_SENDRECV, NULL);
  g_autofree char *reoffer = offer (s, TC_MEDIA_DIRECTION_SENDRECV);

  g_assert_nonnull (strstr (text, "\r\nm=audio 40000 RTP/AVP 101 111\r\n"));
  g_assert_nonnull (strstr (reoffer, "\r\nm=audio 40000 RTP/AVP 101 9 0 8 111\r\n"));

  /* Our numbers when a codec agreed at a static type is dropped by the
   * remote and a static type is taken: PCMU as 8 pushes PCMA away. */
  {
    g_autoptr (TcSdpSession) t = session_with ("pcmu,pcma", FALSE, FALSE, FALSE);
    g_autofree char *a = answer (t,
                                 "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                 "m=audio 30000 RTP/AVP 8\na=rtpmap:8 PCMU/8000\n",
                                 TC_MEDIA_DIRECTION_SENDRECV, NULL);
    g_autofree char *o = offer (t, TC_MEDIA_DIRECTION_SENDRECV);

    g_assert_nonnull (strstr (o, "\r\nm=audio 40000 RTP/AVP 8 96\r\n"));
    g_assert_nonnull (strstr (o, "\r\na=rtpmap:8 PCMU/8000\r\na=rtpmap:96 PCMA/8000\r\n"));
  }
}

/* The answer to our offer: telephone-event numbers both ways, a dynamic
 * type without a=rtpmap taken by number, codecs we did not offer
 * ignored, the answer's first codec sent. */
static void
test_process_answer_payload_types (void)
{
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  TcMediaParams params;

  tc_media_params_init (&params);
  process (s,
           "v=0\no=bob 5 5 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
           "m=audio 30000 RTP/AVP 18 111 0 98\n"
           "a=rtpmap:18 G729/8000\n"
           "a=fmtp:111 useinbandfec=1\n"
           "a=rtpmap:98 telephone-event/8000\n",
           &params);
  assert_send (&params, TC_CODEC_OPUS, 111);
  g_assert_cmpstr (params.send.fmtp, ==, "useinbandfec=1");
  g_assert_true (params.opus_fec);
  assert_receive (&params, "111 0");
  g_assert_cmpuint (params.send_dtmf_pt, ==, 98);
  g_assert_cmpuint (params.recv_dtmf_pt, ==, 101);
  g_assert_true (params.rtcp_mux == FALSE);
  g_assert_true (params.changed);
  tc_media_params_clear (&params);
}

static void
test_ptime (void)
{
  static const char *const cases[][2] = {
    { "", "20" },                /* the policy's */
    { "a=ptime:30\n", "30" },    /* the remote's */
    { "a=ptime:20.0\n", "20" },  /* written as a decimal */
    { "a=maxptime:10\n", "10" }, /* capped */
    { "a=ptime:60\na=maxptime:40\n", "40" },
    { "a=ptime:5\n", "20" }, /* absurd: ignored */
    { "a=ptime:abc\n", "20" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TcSdpSession) s = session_default ();
      g_autofree char *remote = g_strdup_printf ("v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                                 "m=audio 30000 RTP/AVP 0\n%s",
                                                 cases[i][0]);
      g_autofree char *text = NULL;
      g_autofree char *ptime = NULL;
      TcMediaParams params;

      tc_media_params_init (&params);
      text = answer (s, remote, TC_MEDIA_DIRECTION_SENDRECV, &params);
      ptime = g_strdup_printf ("%u", params.ptime);
      g_assert_cmpstr (ptime, ==, cases[i][1]);
      /* Ours is what we want to receive, whatever the remote's. */
      g_assert_nonnull (strstr (text, "\r\na=ptime:20\r\n"));
      tc_media_params_clear (&params);
    }
}

static void
test_opus_fec (void)
{
  static const char remote_fmt[] = "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                   "m=audio 30000 RTP/AVP 96\na=rtpmap:96 opus/48000/2\n%s";
  static const char *const fmtps[] = { "", "a=fmtp:96 useinbandfec=0\n", "a=fmtp:96 minptime=10;useinbandfec=1\n" };
  static const gboolean expected[] = { FALSE, FALSE, TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (fmtps); i++)
    {
      g_autoptr (TcSdpSession) s = session_with ("opus", FALSE, FALSE, i != 0);
      g_autofree char *remote = g_strdup_printf (remote_fmt, fmtps[i]);
      g_autofree char *text = NULL;
      TcMediaParams params;

      tc_media_params_init (&params);
      text = answer (s, remote, TC_MEDIA_DIRECTION_SENDRECV, &params);
      g_assert_cmpint (params.opus_fec, ==, expected[i]);
      /* Our fmtp says what we ask for: FEC per the policy. */
      if (i == 0)
        g_assert_null (strstr (text, "a=fmtp"));
      else
        g_assert_nonnull (strstr (text, "\r\na=fmtp:96 useinbandfec=1\r\n"));
      tc_media_params_clear (&params);
    }
}

/* RFC 3605 a=rtcp, with and without an address; port + 1 otherwise; a
 * bad one is an error. */
static void
test_rtcp_attribute (void)
{
  static const char *const cases[][3] = {
    { "a=rtcp:53020\n", "192.0.2.30", "53020" },
    { "a=rtcp:53020 IN IP4 192.0.2.99\n", "192.0.2.99", "53020" },
    { "", "192.0.2.30", "30001" },
  };
  g_autoptr (TcSdpSession) bad = session_default ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TcSdpSession) s = session_default ();
      g_autofree char *remote = g_strdup_printf ("v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                                 "m=audio 30000 RTP/AVP 0\n%s",
                                                 cases[i][0]);
      g_autofree char *text = NULL;
      TcMediaParams params;

      tc_media_params_init (&params);
      text = answer (s, remote, TC_MEDIA_DIRECTION_SENDRECV, &params);
      assert_address (params.remote_rtp, "192.0.2.30", 30000);
      assert_address (params.remote_rtcp, cases[i][1], (guint) g_ascii_strtoull (cases[i][2], NULL, 10));
      tc_media_params_clear (&params);
    }
  answer_error_lf (bad,
                   "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                   "m=audio 30000 RTP/AVP 0\na=rtcp:0\n",
                   TC_MEDIA_ERROR_SDP,
                   "invalid SDP: a=rtcp of m= line 1: expected <port> [IN IP4|IP6 <address>] (RFC 3605)", 399);
  answer_error_lf (bad,
                   "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                   "m=audio 30000 RTP/AVP 0\na=rtcp:5000 IN IP4 rtcp.example.com\n",
                   TC_MEDIA_ERROR_SDP, NULL, 399);
}

/* RFC 5761: multiplexing only when both sides say a=rtcp-mux. */
static void
test_rtcp_mux (void)
{
  static const char with_mux[] = "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                 "m=audio 30000 RTP/AVP 0\na=rtcp:30001\na=rtcp-mux\n";
  static const char without[] = "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                "m=audio 30000 RTP/AVP 0\n";
  TcMediaParams params;

  tc_media_params_init (&params);
  {
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text = answer (s, with_mux, TC_MEDIA_DIRECTION_SENDRECV, &params);

    g_assert_true (params.rtcp_mux);
    assert_address (params.remote_rtcp, "192.0.2.30", 30000);
    g_assert_nonnull (strstr (text, "\r\na=rtcp-mux\r\n"));
    g_assert_null (strstr (text, "a=rtcp:"));
  }
  {
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text = answer (s, without, TC_MEDIA_DIRECTION_SENDRECV, &params);

    g_assert_false (params.rtcp_mux);
    assert_address (params.remote_rtcp, "192.0.2.30", 30001);
    g_assert_null (strstr (text, "a=rtcp-mux"));
    g_assert_nonnull (strstr (text, "\r\na=rtcp:40001\r\n"));
  }
  {
    g_autoptr (TcSdpSession) s = session_with (NULL, TRUE, FALSE, TRUE);
    g_autofree char *text = answer (s, with_mux, TC_MEDIA_DIRECTION_SENDRECV, &params);

    g_assert_false (params.rtcp_mux);
    assert_address (params.remote_rtcp, "192.0.2.30", 30001);
    g_assert_null (strstr (text, "a=rtcp-mux"));
  }
  {
    /* Our offer with a=rtcp-mux: the answer decides. */
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);

    process (s, with_mux, &params);
    g_assert_true (params.rtcp_mux);
    assert_address (params.remote_rtcp, "192.0.2.30", 30000);
    g_free (ours);
    ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
    process (s, "v=0\no=c 1 2 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\nm=audio 30000 RTP/AVP 0\n", &params);
    g_assert_false (params.rtcp_mux);
    assert_address (params.remote_rtcp, "192.0.2.30", 30001);
  }
  {
    /* Without a=rtcp-mux in our offer, the answer's is not taken. */
    g_autoptr (TcSdpSession) s = session_with (NULL, TRUE, FALSE, TRUE);
    g_autofree char *ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);

    g_assert_null (strstr (ours, "a=rtcp-mux"));
    process (s, with_mux, &params);
    g_assert_false (params.rtcp_mux);
  }
  tc_media_params_clear (&params);
}

/* c= at session level, media level (which wins), or missing. */
static void
test_connection_levels (void)
{
  TcMediaParams params;

  tc_media_params_init (&params);
  {
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text = answer (s,
                                    "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nt=0 0\n"
                                    "m=audio 30000 RTP/AVP 0\nc=IN IP4 192.0.2.31\n",
                                    TC_MEDIA_DIRECTION_SENDRECV, &params);

    assert_address (params.remote_rtp, "192.0.2.31", 30000);
  }
  {
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text = answer (s,
                                    "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                    "m=audio 30000 RTP/AVP 0\nc=IN IP4 192.0.2.32/127\n",
                                    TC_MEDIA_DIRECTION_SENDRECV, &params);

    assert_address (params.remote_rtp, "192.0.2.32", 30000);
  }
  {
    /* A media-level 0.0.0.0 holds even under a real session address. */
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text = answer (s,
                                    "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                    "m=audio 30000 RTP/AVP 0\nc=IN IP4 0.0.0.0\na=sendrecv\n",
                                    TC_MEDIA_DIRECTION_SENDRECV, &params);

    assert_address (params.remote_rtp, NULL, 0);
    assert_directions (&params, TC_MEDIA_DIRECTION_RECVONLY, TC_MEDIA_DIRECTION_SENDONLY);
    g_assert_nonnull (strstr (text, "\r\na=sendrecv\r\n"));
  }
  {
    g_autoptr (TcSdpSession) s = session_default ();

    answer_error_lf (s, "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nt=0 0\nm=audio 30000 RTP/AVP 0\n", TC_MEDIA_ERROR_SDP,
                     "invalid SDP: m= line 1 (audio) has no c= line, nor has the session", 399);
    answer_error_lf (s,
                     "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 host.example.com\nt=0 0\n"
                     "m=audio 30000 RTP/AVP 0\n",
                     TC_MEDIA_ERROR_SDP,
                     "invalid SDP: c= of m= line 1: \'host.example.com\' is not an IPv4 address (media does not "
                     "resolve names)",
                     399);
  }
  tc_media_params_clear (&params);
}

/* RFC 3264 §6.1 directions, session or media level (media wins). */
static void
test_directions (void)
{
  static const struct {
    const char *session_attr;
    const char *media_attr;
    TcMediaDirection local;
    const char *answer_attr;
    TcMediaDirection ours;
    TcMediaDirection remote;
  } cases[] = {
    { "", "", TC_MEDIA_DIRECTION_SENDRECV, "sendrecv", TC_MEDIA_DIRECTION_SENDRECV, TC_MEDIA_DIRECTION_SENDRECV },
    { "", "a=sendonly\n", TC_MEDIA_DIRECTION_SENDRECV, "recvonly", TC_MEDIA_DIRECTION_RECVONLY,
      TC_MEDIA_DIRECTION_SENDONLY },
    { "a=sendonly\n", "", TC_MEDIA_DIRECTION_SENDRECV, "recvonly", TC_MEDIA_DIRECTION_RECVONLY,
      TC_MEDIA_DIRECTION_SENDONLY },
    { "a=inactive\n", "a=recvonly\n", TC_MEDIA_DIRECTION_SENDRECV, "sendonly", TC_MEDIA_DIRECTION_SENDONLY,
      TC_MEDIA_DIRECTION_RECVONLY },
    { "", "a=inactive\n", TC_MEDIA_DIRECTION_SENDRECV, "inactive", TC_MEDIA_DIRECTION_INACTIVE,
      TC_MEDIA_DIRECTION_INACTIVE },
    { "", "", TC_MEDIA_DIRECTION_SENDONLY, "sendonly", TC_MEDIA_DIRECTION_SENDONLY, TC_MEDIA_DIRECTION_SENDRECV },
    { "", "a=sendonly\n", TC_MEDIA_DIRECTION_SENDONLY, "inactive", TC_MEDIA_DIRECTION_INACTIVE,
      TC_MEDIA_DIRECTION_SENDONLY },
    { "", "", TC_MEDIA_DIRECTION_INACTIVE, "inactive", TC_MEDIA_DIRECTION_INACTIVE, TC_MEDIA_DIRECTION_SENDRECV },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TcSdpSession) s = session_default ();
      g_autofree char *remote = g_strdup_printf ("v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                                 "%sm=audio 30000 RTP/AVP 0\n%s",
                                                 cases[i].session_attr, cases[i].media_attr);
      g_autofree char *text = NULL;
      g_autofree char *line = g_strdup_printf ("\r\na=%s\r\n", cases[i].answer_attr);
      TcMediaParams params;

      tc_media_params_init (&params);
      text = answer (s, remote, cases[i].local, &params);
      g_assert_nonnull (strstr (text, line));
      assert_directions (&params, cases[i].ours, cases[i].remote);
      tc_media_params_clear (&params);
    }
}

/* RTP/AVP and RTP/AVPF are ours; SRTP profiles get port 0 for now. */
static void
test_profiles (void)
{
  TcMediaParams params;

  tc_media_params_init (&params);
  {
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text = answer (s,
                                    "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                                    "m=audio 30000 RTP/AVPF 0\na=rtcp-fb:* nack\n",
                                    TC_MEDIA_DIRECTION_SENDRECV, &params);
    g_autofree char *reoffer = offer (s, TC_MEDIA_DIRECTION_SENDONLY);

    g_assert_nonnull (strstr (text, "\r\nm=audio 40000 RTP/AVPF 0\r\n"));
    g_assert_nonnull (strstr (reoffer, "\r\nm=audio 40000 RTP/AVPF "));
  }
  {
    g_autoptr (TcSdpSession) s = session_default ();
    g_autofree char *text =
      answer (s,
              "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
              "m=audio 30000 RTP/SAVP 0\n"
              "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n"
              "m=audio 30002 RTP/AVP 0\n",
              TC_MEDIA_DIRECTION_SENDRECV, &params);

    g_assert_nonnull (strstr (text, "\r\nm=audio 0 RTP/SAVP 0\r\nm=audio 40000 RTP/AVP 0\r\n"));
    assert_address (params.remote_rtp, "192.0.2.30", 30002);
  }
  {
    g_autoptr (TcSdpSession) s = session_default ();

    answer_error_lf (s,
                     "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                     "m=audio 9 UDP/TLS/RTP/SAVPF 111\na=rtpmap:111 opus/48000/2\n",
                     TC_MEDIA_ERROR_NO_CODEC,
                     "audio is offered over UDP/TLS/RTP/SAVPF only; we accept RTP/AVP and RTP/AVPF (no SRTP yet)", 302);
    answer_error_lf (s,
                     "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                     "m=video 30000 RTP/AVP 31\nm=application 5000 UDP/BFCP *\n",
                     TC_MEDIA_ERROR_NO_CODEC, "the offer has no audio stream", 304);
    answer_error_lf (s,
                     "v=0\no=c 1 1 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                     "m=audio 0 RTP/AVP 0\n",
                     TC_MEDIA_ERROR_NO_CODEC, "the offer has no active audio stream (port 0)", 304);
  }
  tc_media_params_clear (&params);
}

/* RFC 3264 §8: a re-offer with the same o= version is a refresh. */
static void
test_refresh (void)
{
  static const char first[] = "v=0\no=c 7 100 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                              "m=audio 30000 RTP/AVP 0 8\n";
  static const char moved[] = "v=0\no=c 7 101 IN IP4 192.0.2.30\ns=-\nc=IN IP4 192.0.2.30\nt=0 0\n"
                              "m=audio 30010 RTP/AVP 0 8\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  a = answer (s, first, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_true (params.changed);
  b = answer (s, first, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_false (params.changed);
  g_assert_cmpstr (a, ==, b);
  assert_address (params.remote_rtp, "192.0.2.30", 30000);
  c = answer (s, moved, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_true (params.changed);
  g_assert_cmpstr (c, ==, a); /* our side did not change */
  assert_address (params.remote_rtp, "192.0.2.30", 30010);
  /* We hold during a refresh: our answer changes, the remote's did not. */
  d = answer (s, moved, TC_MEDIA_DIRECTION_SENDONLY, &params);
  g_assert_false (params.changed);
  g_assert_cmpuint (origin_version (d), ==, origin_version (a) + 1);
  tc_media_params_clear (&params);
}

/* RFC 3264 §8: a re-offer may not drop m= lines. */
static void
test_fewer_m_lines (void)
{
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *first = answer (s, rfc4317_2_1_offer, TC_MEDIA_DIRECTION_SENDRECV, NULL);

  answer_error_lf (s,
                   "v=0\no=alice 2890844526 2890844527 IN IP4 h\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\n"
                   "m=audio 49170 RTP/AVP 0\n",
                   TC_MEDIA_ERROR_SDP,
                   "the SDP offer has 1 m= lines, fewer than the 2 of the session (RFC 3264 section 8)", 399);
}

/* What an answer to our offer may get wrong. */
static void
test_process_answer_errors (void)
{
  static const char good[] = "v=0\no=b 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                             "m=audio 30000 RTP/AVP 0\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *ours = NULL;
  TcMediaParams params;

  process_error (s, good, TC_MEDIA_ERROR_SDP, "an SDP answer came but no offer of ours waits for one", 399);
  ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
  process_error (s,
                 "v=0\no=b 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=audio 0 RTP/AVP 0\n",
                 TC_MEDIA_ERROR_NO_CODEC, "the SDP answer rejected the audio stream (port 0)", 304);
  process_error (s,
                 "v=0\no=b 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=audio 30000 RTP/AVP 18 96\na=rtpmap:18 G729/8000\n",
                 TC_MEDIA_ERROR_NO_CODEC,
                 "no common codec: the answer has G729, pt 96; we offered opus, G722, PCMU, PCMA", 305);
  process_error (s,
                 "v=0\no=b 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=audio 30000 RTP/AVP 0\nm=video 0 RTP/AVP 31\n",
                 TC_MEDIA_ERROR_SDP, "the SDP answer has 2 m= lines, our offer 1 (RFC 3264 section 6)", 399);
  process_error (s,
                 "v=0\no=b 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=video 30000 RTP/AVP 31\n",
                 TC_MEDIA_ERROR_SDP, "m= line 1 of the SDP answer is video, our offer's audio", 399);
  process_error (s,
                 "v=0\no=b 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=audio 30000 RTP/SAVP 0\n",
                 TC_MEDIA_ERROR_SDP, "the SDP answer has audio over RTP/SAVP, our offer RTP/AVP", 302);
  g_assert_true (tc_sdp_session_has_pending_offer (s));

  /* The offer still waits after those; this answer completes it. */
  tc_media_params_init (&params);
  process (s, good, &params);
  g_assert_true (params.changed);
  /* The same answer again (a 200 after a 183): the same result. */
  {
    g_autofree char *sdp = crlf (good);
    g_autoptr (GError) error = NULL;

    g_assert_true (tc_sdp_session_process_answer (s, sdp, strlen (sdp), &params, &error));
    g_assert_no_error (error);
    g_assert_false (params.changed);
    assert_address (params.remote_rtp, "192.0.2.20", 30000);
  }
  process_error (s,
                 "v=0\no=b 1 2 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=audio 30000 RTP/AVP 0\n",
                 TC_MEDIA_ERROR_SDP, "an SDP answer came but no offer of ours waits for one", 399);

  /* A cancelled offer takes no answer. */
  g_free (ours);
  ours = offer (s, TC_MEDIA_DIRECTION_SENDONLY);
  tc_sdp_session_cancel_offer (s);
  g_assert_false (tc_sdp_session_has_pending_offer (s));
  process_error (s,
                 "v=0\no=b 1 3 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\n"
                 "m=audio 30000 RTP/AVP 0\na=recvonly\n",
                 TC_MEDIA_ERROR_SDP, NULL, 399);
  tc_media_params_clear (&params);
}

/* LF-only line ends, blank lines, b=, unknown attributes and session-level
 * extras are fine. */
static void
test_lenient (void)
{
  static const char remote[] = "v=0\n"
                               "o=- 1 1 IN IP4 192.0.2.30\n"
                               "s=Session SDP\n"
                               "i=some information\n"
                               "c=IN IP4 192.0.2.30\n"
                               "b=AS:64\n"
                               "t=0 0\n"
                               "a=tool:something\n"
                               "m=audio 30000 RTP/AVP 0 \n"
                               "b=TIAS:64000\n"
                               "a=x-unknown:1\n"
                               "a=rtpmap:0 PCMU/8000/1\n"
                               "\n";
  g_autoptr (TcSdpSession) s = session_default ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  TcMediaParams params;

  tc_media_params_init (&params);
  text = tc_sdp_session_create_answer (s, remote, strlen (remote), TC_MEDIA_DIRECTION_SENDRECV, &params, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\r\nm=audio 40000 RTP/AVP 0\r\n"));
  assert_send (&params, TC_CODEC_PCMU, 0);
  tc_media_params_clear (&params);
}

/* About the largest offer we read: 64 KiB of repeated payload types and
 * attributes is answered, each type counted once. */
static void
test_large (void)
{
  g_autoptr (GString) big = g_string_new ("v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.30\nt=0 0\nm=audio 30000 RTP/AVP");
  g_autoptr (TcSdpSession) s = session_default ();
  g_autofree char *text = NULL;
  TcMediaParams params;

  for (guint i = 0; i < 9000; i++)
    g_string_append_printf (big, " %u", i % 128);
  g_string_append (big, "\n");
  while (big->len < 60 * 1024) /* 64 KiB with CRLF */
    g_string_append (big, "a=rtpmap:96 opus/48000/2\n");
  tc_media_params_init (&params);
  text = answer (s, big->str, TC_MEDIA_DIRECTION_SENDRECV, &params);
  g_assert_nonnull (strstr (text, "\r\nm=audio 40000 RTP/AVP 0 8 9 96\r\n"));
  assert_receive (&params, "0 8 9 96");
  tc_media_params_clear (&params);
}

/* Invalid SDP gives TC_MEDIA_ERROR_SDP naming the defect, to both calls,
 * and never more. */
static void
test_invalid (void)
{
  static const struct {
    const char *sdp;
    const char *message;
  } cases[] = {
    { "", "invalid SDP: it is empty" },
    { "\n\n", "invalid SDP: it is empty" },
    { "hello", "invalid SDP: line 1 is not <type>=<value>" },
    { "o=- 1 1 IN IP4 192.0.2.1\nv=0\n", "invalid SDP: it does not start with v=0" },
    { "v=1\no=- 1 1 IN IP4 192.0.2.1\n", "invalid SDP: it does not start with v=0" },
    { "v=0\nv=0\n", "invalid SDP: line 2: a second v=" },
    { "v=0\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 1 RTP/AVP 0\n", "invalid SDP: it has no o= line" },
    { "v=0\no=- 1 1 IN IP4\n", "invalid SDP: line 2: o= needs 6 fields (username sess-id sess-version nettype "
                               "addrtype address)" },
    { "v=0\no=- 1 x1 IN IP4 h\n", "invalid SDP: line 2: o= version \'x1\' is not a number" },
    { "v=0\no=- 1 1 IN IP4 h\no=- 1 1 IN IP4 h\n", "invalid SDP: line 3: o= out of place" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio abc RTP/AVP 0\n",
      "invalid SDP: line 4: m= port \'abc\' is not 0..65535" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 70000 RTP/AVP 0\n",
      "invalid SDP: line 4: m= port \'70000\' is not 0..65535" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio -1 RTP/AVP 0\n",
      "invalid SDP: line 4: m= port \'-1\' is not 0..65535" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000/x RTP/AVP 0\n",
      "invalid SDP: line 4: m= port \'5000/x\' is not 0..65535" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP 0 128\n",
      "invalid SDP: line 4: payload type \'128\' is not 0..127" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP PCMU\n",
      "invalid SDP: line 4: payload type \'PCMU\' is not 0..127" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP\n",
      "invalid SDP: line 4: m= needs <media> <port> <proto> <format>..." },
    /* VT is no white space to GstSDPMessage (g_ascii_isspace()). */
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000\vRTP/AVP 0\n",
      "invalid SDP: line 4: m= needs <media> <port> <proto> <format>..." },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\n m=audio 5000 RTP/AVP 0\n",
      "invalid SDP: line 4 is not <type>=<value>" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nM=audio 5000 RTP/AVP 0\n",
      "invalid SDP: line 4 is not <type>=<value>" },
    { "v=0\no=- 1 1 IN IP4 h\rc=IN IP4 192.0.2.1\n", "invalid SDP: line 2 holds a bare CR" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP6 192.0.2.1\nm=audio 5000 RTP/AVP 0\n",
      "invalid SDP: c= of m= line 1: \'192.0.2.1\' is not an IPv6 address (media does not resolve names)" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 ::1\nm=audio 5000 RTP/AVP 0\n",
      "invalid SDP: c= of m= line 1: \'::1\' is not an IPv4 address (media does not resolve names)" },
    { "v=0\no=- 1 1 IN IP4 h\nc=ATM NSAP 47.0005\nm=audio 5000 RTP/AVP 0\n",
      "invalid SDP: c= of m= line 1: the network type is not IN" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IPX 1\nm=audio 5000 RTP/AVP 0\n",
      "invalid SDP: c= of m= line 1: the address type is not IP4 or IP6" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4\nm=audio 5000 RTP/AVP 0\n",
      "invalid SDP: c= of m= line 1: \'\' is not an IPv4 address (media does not resolve names)" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 224.2.1.1/127\nm=audio 5000 RTP/AVP 0\n",
      "invalid SDP: c= of m= line 1: multicast address 224.2.1.1 is not supported" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP 0\na=rtcp:x\n",
      "invalid SDP: a=rtcp of m= line 1: expected <port> [IN IP4|IP6 <address>] (RFC 3605)" },
    { "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nm=audio 5000 RTP/AVP 0\ns=\xff\xfe\x01\n", NULL },
  };
  g_autoptr (GString) many = g_string_new ("v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nt=0 0\n");
  g_autoptr (GString) huge = g_string_new ("v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\nt=0 0\n");
  static const char with_nul[] = "v=0\no=- 1 1 IN IP4 h\nc=IN IP4 192.0.2.1\0\nm=audio 5000 RTP/AVP 0\n";
  g_autoptr (GRand) rand = g_rand_new_with_seed (4566);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TcSdpSession) s = session_default ();
      g_autofree char *ours = NULL;

      if (!cases[i].message)
        {
          /* Odd bytes in text fields are not our business. */
          g_autofree char *text = answer (s, cases[i].sdp, TC_MEDIA_DIRECTION_SENDRECV, NULL);
          continue;
        }
      answer_error_lf (s, cases[i].sdp, TC_MEDIA_ERROR_SDP, cases[i].message, 399);
      ours = offer (s, TC_MEDIA_DIRECTION_SENDRECV);
      process_error (s, cases[i].sdp, TC_MEDIA_ERROR_SDP, cases[i].message, 399);
    }

  for (guint i = 0; i < 33; i++)
    g_string_append (many, "m=audio 5000 RTP/AVP 0\n");
  {
    g_autoptr (TcSdpSession) s = session_default ();

    answer_error_lf (s, many->str, TC_MEDIA_ERROR_SDP, "invalid SDP: more than 32 m= lines", 399);
  }
  while (huge->len <= 64 * 1024)
    g_string_append (huge, "a=x-padding:0123456789012345678901234567890123456789\n");
  {
    g_autoptr (TcSdpSession) s = session_default ();

    answer_error (s, huge->str, huge->len, TC_MEDIA_ERROR_SDP, NULL, 399);
  }
  {
    g_autoptr (TcSdpSession) s = session_default ();

    answer_error (s, with_nul, sizeof with_nul - 1, TC_MEDIA_ERROR_SDP, "invalid SDP: it holds a NUL byte", 399);
  }
  /* Binary noise, and noise after a valid head. */
  for (guint round = 0; round < 200; round++)
    {
      g_autoptr (TcSdpSession) s = session_default ();
      g_autoptr (GByteArray) bytes = g_byte_array_new ();
      g_autoptr (GError) error = NULL;
      guint len = (guint) g_rand_int_range (rand, 1, 512);
      char *text;

      if (round % 2)
        g_byte_array_append (bytes, (const guint8 *) "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio ", 31);
      for (guint i = 0; i < len; i++)
        {
          guint8 b = (guint8) g_rand_int (rand);

          g_byte_array_append (bytes, &b, 1);
        }
      text = tc_sdp_session_create_answer (s, (const char *) bytes->data, bytes->len, TC_MEDIA_DIRECTION_SENDRECV, NULL,
                                           &error);
      g_assert_true ((text == NULL) == (error != NULL));
      if (error)
        assert_printable (error->message);
      g_free (text);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sdp/rfc4317/2.1-audio-video-1", test_rfc4317_2_1);
  g_test_add_func ("/sdp/rfc4317/2.2-audio-video-2", test_rfc4317_2_2);
  g_test_add_func ("/sdp/rfc4317/2.3-dynamic-pt-changed", test_rfc4317_2_3);
  g_test_add_func ("/sdp/rfc4317/2.4-two-audio-streams", test_rfc4317_2_4);
  g_test_add_func ("/sdp/rfc4317/2.5-address-changed", test_rfc4317_2_5);
  g_test_add_func ("/sdp/rfc4317/2.6-audio-only-1", test_rfc4317_2_6);
  g_test_add_func ("/sdp/rfc4317/3.1-hold-unhold-1-alice", test_rfc4317_3_1_alice);
  g_test_add_func ("/sdp/rfc4317/3.1-hold-unhold-1-bob", test_rfc4317_3_1_bob);
  g_test_add_func ("/sdp/rfc4317/3.2-hold-two-streams", test_rfc4317_3_2);
  g_test_add_func ("/sdp/rfc4317/4.1-second-audio-added", test_rfc4317_4_1);
  g_test_add_func ("/sdp/rfc4317/4.2-video-added", test_rfc4317_4_2);
  g_test_add_func ("/sdp/rfc4317/4.3-video-deleted", test_rfc4317_4_3);
  g_test_add_func ("/sdp/rfc4317/5.1-no-media-then-audio", test_rfc4317_5_1);
  g_test_add_func ("/sdp/rfc4317/5.2-hold-unhold-2", test_rfc4317_5_2);
  g_test_add_func ("/sdp/rfc4317/5.3-hold-unhold-3", test_rfc4317_5_3);
  g_test_add_func ("/sdp/offer/format", test_offer_format);
  g_test_add_func ("/sdp/offer/policy", test_offer_policy);
  g_test_add_func ("/sdp/offer/version", test_offer_version);
  g_test_add_func ("/sdp/ipv6", test_ipv6);
  g_test_add_func ("/sdp/answer/no-common-codec", test_answer_no_common_codec);
  g_test_add_func ("/sdp/answer/payload-types", test_answer_payload_types);
  g_test_add_func ("/sdp/answer/payload-type-collision", test_answer_pt_collision);
  g_test_add_func ("/sdp/answer/ptime", test_ptime);
  g_test_add_func ("/sdp/answer/opus-fec", test_opus_fec);
  g_test_add_func ("/sdp/answer/rtcp", test_rtcp_attribute);
  g_test_add_func ("/sdp/answer/rtcp-mux", test_rtcp_mux);
  g_test_add_func ("/sdp/answer/connection-levels", test_connection_levels);
  g_test_add_func ("/sdp/answer/directions", test_directions);
  g_test_add_func ("/sdp/answer/profiles", test_profiles);
  g_test_add_func ("/sdp/answer/refresh", test_refresh);
  g_test_add_func ("/sdp/answer/fewer-m-lines", test_fewer_m_lines);
  g_test_add_func ("/sdp/answer/lenient", test_lenient);
  g_test_add_func ("/sdp/process-answer/payload-types", test_process_answer_payload_types);
  g_test_add_func ("/sdp/process-answer/errors", test_process_answer_errors);
  g_test_add_func ("/sdp/answer/large", test_large);
  g_test_add_func ("/sdp/invalid", test_invalid);

  return g_test_run ();
}
