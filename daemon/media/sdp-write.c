/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdp-write.c — our SDP (RFC 4566) as a GstSDPMessage: the session lines,
 * the audio line with its a=rtpmap/a=fmtp, a=ptime, a=rtcp, a=rtcp-mux and
 * direction, rejected lines with port 0, the payload type numbers of our
 * offers, and the o= version rule of RFC 3264 §8.  CRLF line ends come
 * from gst_sdp_message_as_text().
 */
#include "media/sdp-private.h"

#include <string.h>

GArray *
tc_sdp_payloads_new (void)
{
  GArray *payloads = g_array_new (FALSE, TRUE, sizeof (TcPayload));

  g_array_set_clear_func (payloads, (GDestroyNotify) tc_payload_clear);
  return payloads;
}

/* The a=fmtp we write for @codec. */
static char *
our_fmtp (const TcSdpSession *s, TcCodec codec)
{
  switch (codec)
    {
    case TC_CODEC_OPUS:
      /* RFC 7587 §6.1: we can decode in-band FEC, so ask for it. */
      return s->policy.opus_fec ? g_strdup ("useinbandfec=1") : NULL;
    case TC_CODEC_TELEPHONE_EVENT:
      /* RFC 4733 §2.5.1.2: the DTMF events 0-15 and flash (16). */
      return g_strdup ("0-16");
    case TC_CODEC_G722:
    case TC_CODEC_PCMU:
    case TC_CODEC_PCMA:
    case TC_N_CODECS:
      break;
    }
  return NULL;
}

TcPayload
tc_sdp_our_payload (const TcSdpSession *s, TcCodec codec, guint pt)
{
  const TcCodecInfo *info = tc_codec_get_info (codec);
  TcPayload payload = { codec, pt, info->clock_rate, info->channels, our_fmtp (s, codec) };

  return payload;
}

static const char *
addrtype_of (const char *address)
{
  return strchr (address, ':') ? "IP6" : "IP4";
}

static guint
rtcp_port_of (const TcSdpSession *s)
{
  return s->rtcp_port ? s->rtcp_port : s->rtp_port + 1;
}

/* v=, s=, c=, t=; o= is set by message_text(). */
GstSDPMessage *
tc_sdp_message_new (const TcSdpSession *s)
{
  GstSDPMessage *msg;

  gst_sdp_message_new (&msg);
  gst_sdp_message_set_version (msg, "0");
  gst_sdp_message_set_session_name (msg, "-");
  gst_sdp_message_set_connection (msg, "IN", addrtype_of (s->address), s->address, 0, 0);
  gst_sdp_message_add_time (msg, "0", "0", NULL);
  return msg;
}

static char *
message_text (const TcSdpSession *s, GstSDPMessage *msg)
{
  g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, s->id);
  g_autofree char *version = g_strdup_printf ("%" G_GUINT64_FORMAT, s->version);

  gst_sdp_message_set_origin (msg, "-", id, version, "IN", addrtype_of (s->origin_address), s->origin_address);
  return gst_sdp_message_as_text (msg);
}

/* The text of @msg with the o= version of RFC 3264 §8: one more than the
 * last SDP we sent when the text differs from it, else the same. */
char *
tc_sdp_message_finish (TcSdpSession *s, GstSDPMessage *msg)
{
  char *text = message_text (s, msg);

  if (s->last_sent && strcmp (text, s->last_sent) != 0)
    {
      s->version++;
      g_free (text);
      text = message_text (s, msg);
    }
  g_free (s->last_sent);
  s->last_sent = g_strdup (text);
  return text;
}

void
tc_sdp_message_add_audio (const TcSdpSession *s, GstSDPMessage *msg, const char *proto, const GArray *payloads,
                          TcMediaDirection direction, gboolean rtcp_mux, gboolean write_rtcp)
{
  GstSDPMedia *media;
  g_autofree char *ptime = g_strdup_printf ("%u", s->policy.ptime);

  gst_sdp_media_new (&media);
  gst_sdp_media_set_media (media, "audio");
  gst_sdp_media_set_port_info (media, s->rtp_port, 0);
  gst_sdp_media_set_proto (media, proto);
  for (guint i = 0; i < payloads->len; i++)
    {
      const TcPayload *p = &g_array_index (payloads, TcPayload, i);
      const TcCodecInfo *info = tc_codec_get_info (p->codec);
      g_autofree char *pt = g_strdup_printf ("%u", p->pt);
      g_autofree char *rtpmap = NULL;

      gst_sdp_media_add_format (media, pt);
      if (info->channels)
        rtpmap = g_strdup_printf ("%u %s/%u/%u", p->pt, info->sdp_name, info->clock_rate, info->channels);
      else
        rtpmap = g_strdup_printf ("%u %s/%u", p->pt, info->sdp_name, info->clock_rate);
      gst_sdp_media_add_attribute (media, "rtpmap", rtpmap);
      if (p->fmtp)
        {
          g_autofree char *fmtp = g_strdup_printf ("%u %s", p->pt, p->fmtp);

          gst_sdp_media_add_attribute (media, "fmtp", fmtp);
        }
    }
  gst_sdp_media_add_attribute (media, "ptime", ptime);
  if (write_rtcp)
    {
      /* RFC 3605; also written with a=rtcp-mux in an offer, for an answerer
       * that does not multiplex (RFC 5761 §5.1.1). */
      g_autofree char *rtcp = g_strdup_printf ("%u", rtcp_port_of (s));

      gst_sdp_media_add_attribute (media, "rtcp", rtcp);
    }
  if (rtcp_mux)
    gst_sdp_media_add_attribute (media, "rtcp-mux", NULL);
  gst_sdp_media_add_attribute (media, tc_media_direction_to_string (direction), NULL);
  gst_sdp_message_add_media (msg, media);
  gst_sdp_media_free (media);
}

/* A line we do not take: as it came, with port 0 (RFC 3264 §6, §8.2). */
void
tc_sdp_message_add_rejected (GstSDPMessage *msg, const char *media_type, const char *proto, const char *formats)
{
  GstSDPMedia *media;
  g_auto (GStrv) words = g_strsplit (formats, " ", -1);

  gst_sdp_media_new (&media);
  gst_sdp_media_set_media (media, media_type);
  gst_sdp_media_set_port_info (media, 0, 0);
  gst_sdp_media_set_proto (media, proto);
  for (guint i = 0; words[i]; i++)
    if (words[i][0] != '\0')
      gst_sdp_media_add_format (media, words[i]);
  gst_sdp_message_add_media (msg, media);
  gst_sdp_media_free (media);
}

/* A dynamic payload type that neither @used nor any other codec of the
 * session has. */
static guint
free_dynamic_pt (const TcSdpSession *s, const gboolean *used)
{
  for (guint pt = 96; pt <= 127; pt++)
    {
      gboolean taken = used[pt];

      for (guint c = 0; c < TC_N_CODECS && !taken; c++)
        taken = s->pts[c] == pt;
      if (!taken)
        return pt;
    }
  for (guint pt = 96; pt <= 127; pt++)
    if (!used[pt])
      return pt;
  g_assert_not_reached ();
}

/* What an offer of ours lists: the policy's codecs in priority order, then
 * telephone-event.  RFC 3264 §8.3.2: a payload type agreed before keeps its
 * codec; a codec whose number is taken moves to a free dynamic one. */
GArray *
tc_sdp_offer_payloads (TcSdpSession *s)
{
  TcCodec list[TC_N_CODECS];
  gboolean used[128] = { FALSE };
  gboolean placed[TC_N_CODECS] = { FALSE };
  guint n = 0;
  GArray *payloads = tc_sdp_payloads_new ();

  for (guint i = 0; i < s->policy.codecs->len && n < TC_N_CODECS - 1; i++)
    {
      TcCodec codec = g_array_index (s->policy.codecs, TcCodec, i);

      if (codec < TC_CODEC_TELEPHONE_EVENT)
        list[n++] = codec;
    }
  if (s->policy.telephone_event)
    list[n++] = TC_CODEC_TELEPHONE_EVENT;

  for (guint i = 0; i < n; i++)
    if (s->agreed[list[i]] && !used[s->pts[list[i]]])
      used[s->pts[list[i]]] = placed[list[i]] = TRUE;
  for (guint i = 0; i < n; i++)
    if (!placed[list[i]])
      {
        if (used[s->pts[list[i]]])
          s->pts[list[i]] = free_dynamic_pt (s, used);
        used[s->pts[list[i]]] = TRUE;
      }
  for (guint i = 0; i < n; i++)
    {
      TcPayload payload = tc_sdp_our_payload (s, list[i], s->pts[list[i]]);

      g_array_append_val (payloads, payload);
    }
  return payloads;
}
