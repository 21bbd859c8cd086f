/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-uri.c — libFuzzer target for the sip:/sips:/tel: URI parser (uri.h).
 *
 * The whole input is one URI.  If it parses, every getter is read and the
 * URI must round-trip (fuzz_exercise_uri(): printed text parses again into an
 * equal URI and prints the same; the URI equals itself and its copy).
 * tc_sip_uri_validate() must agree with tc_sip_uri_parse() on every input,
 * and so must parsing a NUL-terminated copy with length -1.  When the input
 * holds a line break, the two halves are parsed too and
 * tc_sip_uri_equal() must be symmetric on them.
 */
#include "fuzz-util.h"

#include "sip/sip-error.h"

static void
check_equal_symmetric (const char *a_str, gsize a_len, const char *b_str, gsize b_len)
{
  g_autoptr (TcSipUri) a = tc_sip_uri_parse (a_str, (gssize) a_len, NULL);
  g_autoptr (TcSipUri) b = tc_sip_uri_parse (b_str, (gssize) b_len, NULL);

  if (!a || !b)
    return;
  fuzz_check (tc_sip_uri_equal (a, b) == tc_sip_uri_equal (b, a), "tc_sip_uri_equal() is not symmetric");
  if (tc_sip_uri_equal (a, b))
    {
      g_autofree char *a_text = tc_sip_uri_to_string (a);
      g_autoptr (TcSipUri) a_again = tc_sip_uri_parse (a_text, -1, NULL);

      /* An equal URI stays equal to the round trip of the other. */
      fuzz_check (a_again && tc_sip_uri_equal (a_again, b), "equal URIs stop being equal after a round trip");
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *str = (const char *) data;
  g_autoptr (TcSipUri) uri = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) validate_error = NULL;
  gboolean valid;
  const char *nl;

  if (!str)
    str = "";

  uri = tc_sip_uri_parse (str, (gssize) size, &error);
  fuzz_check_result (uri != NULL, error, "tc_sip_uri_parse");
  valid = tc_sip_uri_validate (str, size, &validate_error);
  fuzz_check_result (valid, validate_error, "tc_sip_uri_validate");
  fuzz_check (valid == (uri != NULL), "tc_sip_uri_validate() %s, tc_sip_uri_parse() %s (%s)",
              valid ? "accepts" : "refuses", uri ? "accepts" : "refuses",
              valid ? error->message : validate_error->message);

  if (!memchr (str, '\0', size))
    {
      g_autofree char *copy = g_strndup (str, size);
      g_autoptr (TcSipUri) uri_nul = tc_sip_uri_parse (copy, -1, NULL);

      fuzz_check ((uri_nul != NULL) == (uri != NULL), "parsing with length -1 and with the length disagree");
      if (uri)
        fuzz_check (tc_sip_uri_equal (uri, uri_nul), "parsing with length -1 gives another URI");
    }

  if (uri)
    fuzz_exercise_uri (uri);

  nl = memchr (str, '\n', size);
  if (nl)
    check_equal_symmetric (str, (gsize) (nl - str), nl + 1, size - (gsize) (nl - str) - 1);

  return 0;
}
