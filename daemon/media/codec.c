/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * codec.c — the codec table (media-notes.md §1).
 */
#include "media/codec.h"

#include "media/media-error.h"

static const TcCodecInfo codecs[TC_N_CODECS] = {
  [TC_CODEC_OPUS] = { TC_CODEC_OPUS, "opus", "opus", "OPUS", TC_PT_DYNAMIC, 111, 48000, 2, 48000, "opusenc",
                      "rtpopuspay", "rtpopusdepay", "opusdec" },
  [TC_CODEC_G722] = { TC_CODEC_G722, "g722", "G722", "G722", 9, 9, 8000, 0, 16000, "avenc_g722", "rtpg722pay",
                      "rtpg722depay", "avdec_g722" },
  [TC_CODEC_PCMU] = { TC_CODEC_PCMU, "pcmu", "PCMU", "PCMU", 0, 0, 8000, 0, 8000, "mulawenc", "rtppcmupay",
                      "rtppcmudepay", "mulawdec" },
  [TC_CODEC_PCMA] = { TC_CODEC_PCMA, "pcma", "PCMA", "PCMA", 8, 8, 8000, 0, 8000, "alawenc", "rtppcmapay",
                      "rtppcmadepay", "alawdec" },
  [TC_CODEC_TELEPHONE_EVENT] = { TC_CODEC_TELEPHONE_EVENT, "telephone-event", "telephone-event", "TELEPHONE-EVENT",
                                 TC_PT_DYNAMIC, 101, 8000, 0, 0, NULL, NULL, NULL, NULL },
};

const TcCodecInfo *
tc_codec_get_info (TcCodec codec)
{
  g_return_val_if_fail (codec < TC_N_CODECS, NULL);
  return &codecs[codec];
}

const TcCodecInfo *
tc_codec_lookup (const char *encoding_name, guint clock_rate)
{
  for (guint i = 0; i < TC_N_CODECS; i++)
    if (g_ascii_strcasecmp (encoding_name, codecs[i].sdp_name) == 0 && clock_rate == codecs[i].clock_rate)
      return &codecs[i];
  return NULL;
}

const TcCodecInfo *
tc_codec_lookup_static (guint pt)
{
  for (guint i = 0; i < TC_N_CODECS; i++)
    if (codecs[i].static_pt == pt)
      return &codecs[i];
  return NULL;
}

gboolean
tc_codec_from_nick (const char *nick, TcCodec *codec)
{
  for (guint i = 0; i < TC_N_CODECS; i++)
    if (g_ascii_strcasecmp (nick, codecs[i].nick) == 0)
      {
        *codec = codecs[i].id;
        return TRUE;
      }
  return FALSE;
}

GArray *
tc_codec_list_parse (const char *text, GError **error)
{
  g_autoptr (GArray) list = g_array_new (FALSE, FALSE, sizeof (TcCodec));
  g_auto (GStrv) names = g_strsplit (text, ",", -1);

  for (guint i = 0; names[i]; i++)
    {
      const char *name = g_strstrip (names[i]);
      TcCodec codec;

      if (!tc_codec_from_nick (name, &codec) || codec == TC_CODEC_TELEPHONE_EVENT)
        {
          g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC,
                       "unknown codec \"%s\" (known: opus, g722, pcmu, pcma)", name);
          return NULL;
        }
      for (guint j = 0; j < list->len; j++)
        if (g_array_index (list, TcCodec, j) == codec)
          {
            g_set_error (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "codec \"%s\" is listed twice", name);
            return NULL;
          }
      g_array_append_val (list, codec);
    }
  if (list->len == 0)
    {
      g_set_error_literal (error, TC_MEDIA_ERROR, TC_MEDIA_ERROR_NO_CODEC, "the codec list is empty");
      return NULL;
    }
  return g_steal_pointer (&list);
}

GArray *
tc_codec_list_default (void)
{
  static const TcCodec order[] = { TC_CODEC_OPUS, TC_CODEC_G722, TC_CODEC_PCMU, TC_CODEC_PCMA };
  GArray *list = g_array_sized_new (FALSE, FALSE, sizeof (TcCodec), G_N_ELEMENTS (order));

  g_array_append_vals (list, order, G_N_ELEMENTS (order));
  return list;
}
