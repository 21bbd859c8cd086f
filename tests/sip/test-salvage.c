/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-salvage.c — the lenient request scanner of salvage.h: compact and
 * folded headers, bare LFs, the end of the header section, and what it
 * refuses (responses, broken request lines, missing or empty values, too
 * many Vias).  tests/fuzz/fuzz-salvage.c checks its contracts on any input.
 */
#include "sip/salvage.h"

static gboolean
salvage (const char *text, TcSipSalvage *out)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));

  return tc_sip_salvage_request (bytes, out);
}

static void
test_salvage (void)
{
  TcSipSalvage s;
  GString *many;

  g_assert_true (salvage ("\r\nREGISTER sip:x SIP/2.0\nv:  SIP/2.0/UDP a ;branch=z9hG4bK1 \n"
                          "Via: SIP/2.0/TCP b\r\n\tfolded=1\r\nF: <sip:a@x>;tag=1\r\nTO: <sip:a@x>\r\n"
                          "call-id: abc\r\ncseq: 1 REGISTER\r\nCall-ID: second\r\n\r\nbody: not a header\r\n",
                          &s));
  g_assert_true (tc_sip_str_equal (s.method, "REGISTER"));
  g_assert_cmpuint (s.n_vias, ==, 2);
  g_assert_true (tc_sip_str_equal (s.vias[0], "SIP/2.0/UDP a ;branch=z9hG4bK1"));
  g_assert_true (tc_sip_str_equal (s.vias[1], "SIP/2.0/TCP b\r\n\tfolded=1"));
  g_assert_true (tc_sip_str_equal (s.from, "<sip:a@x>;tag=1"));
  g_assert_true (tc_sip_str_equal (s.to, "<sip:a@x>"));
  g_assert_true (tc_sip_str_equal (s.call_id, "abc"));
  g_assert_true (tc_sip_str_equal (s.cseq, "1 REGISTER"));

  /* a response, a broken request line, a missing or empty header */
  g_assert_false (salvage ("SIP/2.0 200 OK\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1 A\r\n\r\n", &s));
  g_assert_false (salvage ("INVITE SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1 A\r\n\r\n", &s));
  g_assert_false (salvage ("INVITE sip:x HTTP/1.1\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1\r\n", &s));
  g_assert_false (salvage ("INVITE sip:x SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCSeq: 1 A\r\n\r\n", &s));
  g_assert_false (salvage ("INVITE sip:x SIP/2.0\r\nVia:\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1 A\r\n", &s));
  /* headers after the blank line are the body */
  g_assert_false (salvage ("INVITE sip:x SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: a\r\n\r\nCall-ID: a\r\nCSeq: 1\r\n", &s));
  g_assert_false (salvage ("", &s));

  many = g_string_new ("INVITE sip:x SIP/2.0\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1 A\r\n");
  for (guint i = 0; i < TC_SIP_SALVAGE_MAX_VIAS; i++)
    g_string_append (many, "Via: SIP/2.0/UDP h\r\n");
  g_assert_true (salvage (many->str, &s));
  g_assert_cmpuint (s.n_vias, ==, TC_SIP_SALVAGE_MAX_VIAS);
  g_string_append (many, "Via: SIP/2.0/UDP h\r\n");
  g_assert_false (salvage (many->str, &s));
  g_string_free (many, TRUE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip/salvage/scanner", test_salvage);
  return g_test_run ();
}
