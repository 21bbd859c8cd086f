/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-salvage.c — libFuzzer target for the lenient request scanner of
 * salvage.h, which reads messages the parser refused and so sees the worst
 * input of all.
 *
 * The input is scanned as one datagram.  On success every view must lie in
 * the input, be non-empty and trimmed of whitespace, the method must be a
 * token at the start of the first line that is not empty, and there must be
 * between 1 and TC_SIP_SALVAGE_MAX_VIAS Vias.  Scanning is a pure function
 * of the bytes: a copy scans the same.  And it must be at least as lenient
 * as the parser: a request the parser accepts is salvaged, with the same
 * method and Call-ID.
 */
#include "fuzz-util.h"

#include "sip/parser.h"
#include "sip/salvage.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

/* SIP's LWS characters (RFC 3261 §25.1), which the scanner trims. */
static gboolean
is_lws (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
check_value (TcSipStr value, FuzzBuf buf, const char *what)
{
  fuzz_touch_str (value, buf, what);
  fuzz_check (value.len > 0, "%s: empty value salvaged", what);
  fuzz_check (value.str >= buf.start && value.str + value.len <= buf.start + buf.len, "%s: view outside the input",
              what);
  fuzz_check (!is_lws (value.str[0]) && !is_lws (value.str[value.len - 1]), "%s: value not trimmed", what);
}

static gboolean
same_str (TcSipStr a, TcSipStr b)
{
  return a.len == b.len && (a.len == 0 || memcmp (a.str, b.str, a.len) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data ? (const char *) data : "", size);
  g_autoptr (GBytes) copy = g_bytes_new (data, size);
  g_autoptr (TcSipMessage) msg = NULL;
  FuzzBuf buf = { data ? (const char *) data : "", size };
  TcSipSalvage salvage, again;
  gboolean ok = tc_sip_salvage_request (bytes, &salvage);
  const char *p;

  fuzz_check (tc_sip_salvage_request (copy, &again) == ok, "scanning a copy gives another answer");
  if (ok)
    {
      check_value (salvage.method, buf, "method");
      for (gsize i = 0; i < salvage.method.len; i++)
        fuzz_check (g_ascii_isgraph (salvage.method.str[i]), "method with a non-graphic character");
      p = buf.start;
      while (*p == '\r' || *p == '\n')
        p++;
      fuzz_check (salvage.method.str == p, "method not at the start of the request line");
      fuzz_check (salvage.n_vias >= 1 && salvage.n_vias <= TC_SIP_SALVAGE_MAX_VIAS, "%u Vias", salvage.n_vias);
      for (guint i = 0; i < salvage.n_vias; i++)
        check_value (salvage.vias[i], buf, "Via");
      check_value (salvage.from, buf, "From");
      check_value (salvage.to, buf, "To");
      check_value (salvage.call_id, buf, "Call-ID");
      check_value (salvage.cseq, buf, "CSeq");
      fuzz_check (same_str (salvage.method, again.method) && same_str (salvage.call_id, again.call_id) &&
                    salvage.n_vias == again.n_vias,
                  "scanning a copy finds other values");
    }

  msg = tc_sip_message_parse_datagram (bytes, NULL, NULL);
  if (msg && tc_sip_message_is_request (msg) && tc_sip_message_get_n_vias (msg) <= TC_SIP_SALVAGE_MAX_VIAS)
    {
      /* what parses is salvageable, and read the same */
      fuzz_check (ok, "a request the parser accepts is not salvaged");
      fuzz_check (same_str (salvage.method, tc_sip_message_get_method_name (msg)), "another method salvaged");
      fuzz_check (same_str (salvage.call_id, tc_sip_message_get_call_id (msg)), "another Call-ID salvaged");
    }
  return 0;
}
