/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-codec.c — unit tests of the codec table (codec.h): the RFC 3551
 * static payload types and clock rates, the a=rtpmap lookup
 * (case-insensitive, clock rate checked), the nicks, and the parser of
 * priority lists ("opus, g722,pcmu") with its errors.
 */
#include <glib.h>

#include "media/codec.h"
#include "media/media-error.h"

static void
test_table (void)
{
  const TcCodecInfo *opus = tc_codec_get_info (TC_CODEC_OPUS);
  const TcCodecInfo *g722 = tc_codec_get_info (TC_CODEC_G722);
  const TcCodecInfo *te = tc_codec_get_info (TC_CODEC_TELEPHONE_EVENT);

  for (guint i = 0; i < TC_N_CODECS; i++)
    {
      const TcCodecInfo *info = tc_codec_get_info (i);

      g_assert_cmpint (info->id, ==, i);
      g_assert_nonnull (info->nick);
      g_assert_nonnull (info->sdp_name);
      g_assert_cmpuint (info->default_pt, <=, 127);
      /* A static type is what we offer; a dynamic one is 96..127. */
      if (info->static_pt != TC_PT_DYNAMIC)
        g_assert_cmpuint (info->default_pt, ==, info->static_pt);
      else
        g_assert_cmpuint (info->default_pt, >=, 96);
      for (guint j = 0; j < i; j++)
        g_assert_cmpuint (tc_codec_get_info (j)->default_pt, !=, info->default_pt);
    }
  /* RFC 7587: opus/48000/2, dynamic. */
  g_assert_cmpstr (opus->sdp_name, ==, "opus");
  g_assert_cmpstr (opus->caps_name, ==, "OPUS");
  g_assert_cmpuint (opus->static_pt, ==, TC_PT_DYNAMIC);
  g_assert_cmpuint (opus->clock_rate, ==, 48000);
  g_assert_cmpuint (opus->channels, ==, 2);
  /* RFC 3551 §4.5.2: G.722's RTP clock is 8000 though it samples 16 kHz. */
  g_assert_cmpuint (g722->static_pt, ==, 9);
  g_assert_cmpuint (g722->clock_rate, ==, 8000);
  g_assert_cmpuint (g722->audio_rate, ==, 16000);
  g_assert_cmpuint (tc_codec_get_info (TC_CODEC_PCMU)->static_pt, ==, 0);
  g_assert_cmpuint (tc_codec_get_info (TC_CODEC_PCMA)->static_pt, ==, 8);
  g_assert_null (te->encoder);
  g_assert_cmpuint (te->clock_rate, ==, 8000);
}

static void
test_lookup (void)
{
  g_assert_cmpint (tc_codec_lookup ("opus", 48000)->id, ==, TC_CODEC_OPUS);
  g_assert_cmpint (tc_codec_lookup ("OPUS", 48000)->id, ==, TC_CODEC_OPUS);
  g_assert_cmpint (tc_codec_lookup ("pcmu", 8000)->id, ==, TC_CODEC_PCMU);
  g_assert_cmpint (tc_codec_lookup ("Pcma", 8000)->id, ==, TC_CODEC_PCMA);
  g_assert_cmpint (tc_codec_lookup ("g722", 8000)->id, ==, TC_CODEC_G722);
  g_assert_cmpint (tc_codec_lookup ("TELEPHONE-EVENT", 8000)->id, ==, TC_CODEC_TELEPHONE_EVENT);
  /* The clock rate is part of the format. */
  g_assert_null (tc_codec_lookup ("opus", 8000));
  g_assert_null (tc_codec_lookup ("PCMU", 16000));
  g_assert_null (tc_codec_lookup ("iLBC", 8000));
  g_assert_null (tc_codec_lookup ("", 8000));

  g_assert_cmpint (tc_codec_lookup_static (0)->id, ==, TC_CODEC_PCMU);
  g_assert_cmpint (tc_codec_lookup_static (8)->id, ==, TC_CODEC_PCMA);
  g_assert_cmpint (tc_codec_lookup_static (9)->id, ==, TC_CODEC_G722);
  g_assert_null (tc_codec_lookup_static (18)); /* G729 */
  g_assert_null (tc_codec_lookup_static (101));
  g_assert_null (tc_codec_lookup_static (111));
  g_assert_null (tc_codec_lookup_static (127));
}

static void
test_nick (void)
{
  TcCodec codec = TC_N_CODECS;

  g_assert_true (tc_codec_from_nick ("opus", &codec));
  g_assert_cmpint (codec, ==, TC_CODEC_OPUS);
  g_assert_true (tc_codec_from_nick ("G722", &codec));
  g_assert_cmpint (codec, ==, TC_CODEC_G722);
  g_assert_true (tc_codec_from_nick ("telephone-event", &codec));
  g_assert_cmpint (codec, ==, TC_CODEC_TELEPHONE_EVENT);
  g_assert_false (tc_codec_from_nick ("g729", &codec));
  g_assert_false (tc_codec_from_nick ("", &codec));
}

static void
assert_list (const char *text, const TcCodec *expected, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) list = tc_codec_list_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpmem (list->data, list->len * sizeof (TcCodec), expected, n * sizeof (TcCodec));
}

static void
assert_list_error (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) list = tc_codec_list_parse (text, &error);

  g_assert_null (list);
  g_assert_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_list_parse (void)
{
  static const TcCodec all[] = { TC_CODEC_OPUS, TC_CODEC_G722, TC_CODEC_PCMU, TC_CODEC_PCMA };
  static const TcCodec two[] = { TC_CODEC_PCMA, TC_CODEC_OPUS };
  static const TcCodec one[] = { TC_CODEC_PCMU };
  g_autoptr (GArray) defaults = tc_codec_list_default ();

  assert_list ("opus,g722,pcmu,pcma", all, G_N_ELEMENTS (all));
  assert_list (" opus , G722,PCMU ,pcma ", all, G_N_ELEMENTS (all));
  assert_list ("pcma,opus", two, G_N_ELEMENTS (two));
  assert_list ("pcmu", one, G_N_ELEMENTS (one));
  g_assert_cmpmem (defaults->data, defaults->len * sizeof (TcCodec), all, sizeof all);

  assert_list_error ("opus,g729", "unknown codec \"g729\" (known: opus, g722, pcmu, pcma)");
  assert_list_error ("opus,telephone-event", "unknown codec \"telephone-event\" (known: opus, g722, pcmu, pcma)");
  assert_list_error ("pcmu,opus,PCMU", "codec \"PCMU\" is listed twice");
  assert_list_error ("opus,,pcmu", "unknown codec \"\" (known: opus, g722, pcmu, pcma)");
  assert_list_error ("", "the codec list is empty");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/codec/table", test_table);
  g_test_add_func ("/codec/lookup", test_lookup);
  g_test_add_func ("/codec/nick", test_nick);
  g_test_add_func ("/codec/list-parse", test_list_parse);

  return g_test_run ();
}
